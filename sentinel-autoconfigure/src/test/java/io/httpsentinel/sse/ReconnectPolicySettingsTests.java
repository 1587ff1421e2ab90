package io.httpsentinel.sse;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.httpsentinel.InvalidSettingException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ReconnectPolicySettings}, the shape that reconnect and resume settings
 * share.
 */
class ReconnectPolicySettingsTests {

	@Test
	void reconnectAndResumeCheckTheSharedPolicyUnderTheirOwnKeys() {
		assertInvalid("sse.reconnect.max-attempts", () -> SseReconnectSettings.INHERIT.withLimits(-2, null));
		assertInvalid("sse.resume.max-attempts", () -> SseResumeSettings.INHERIT.withLimits(-2, null));
		assertInvalid("sse.reconnect.max-elapsed",
				() -> SseReconnectSettings.INHERIT.withLimits(null, Duration.ofSeconds(-1)));
		assertInvalid("sse.resume.initial-delay", () -> SseResumeSettings.INHERIT.withDelays(Duration.ZERO, null));
		assertInvalid("sse.reconnect.max-delay",
				() -> SseReconnectSettings.INHERIT.withDelays(null, Duration.ofSeconds(-1)));
		assertInvalid("sse.reconnect.reset-after", () -> SseReconnectSettings.INHERIT.withResetAfter(Duration.ZERO));
	}

	@Test
	void aMaxDelayShorterThanTheInitialDelayNamesTheOwnersKeys() {
		SseResumeSettings resume = SseResumeSettings.DEFAULTS.withDelays(Duration.ofSeconds(2), Duration.ofSeconds(1));
		assertThatExceptionOfType(InvalidSettingException.class).isThrownBy(resume::checkConsistent)
			.satisfies((ex) -> assertThat(ex.key()).isEqualTo("sse.resume.max-delay"))
			.withMessageContaining("must not be shorter than sse.resume.initial-delay (2s)");
		SseReconnectSettings reconnect = SseReconnectSettings.DEFAULTS.withPolicy(resume.policy());
		assertThatExceptionOfType(InvalidSettingException.class).isThrownBy(reconnect::checkConsistent)
			.satisfies((ex) -> assertThat(ex.key()).isEqualTo("sse.reconnect.max-delay"));
	}

	@Test
	void accessorsOfBothSettingsReadTheirPolicy() {
		ReconnectPolicySettings policy = ReconnectPolicySettings.builder()
			.initialDelay(Duration.ofSeconds(1))
			.maxDelay(Duration.ofSeconds(8))
			.maxAttempts(4)
			.maxElapsed(Duration.ofMinutes(1))
			.build();
		SseReconnectSettings reconnect = SseReconnectSettings.INHERIT.withPolicy(policy);
		SseResumeSettings resume = SseResumeSettings.INHERIT.withPolicy(policy);
		assertThat(reconnect.initialDelay()).isEqualTo(resume.initialDelay()).isEqualTo(Duration.ofSeconds(1));
		assertThat(reconnect.maxDelay()).isEqualTo(resume.maxDelay()).isEqualTo(Duration.ofSeconds(8));
		assertThat(reconnect.maxAttempts()).isEqualTo(resume.maxAttempts()).isEqualTo(4);
		assertThat(reconnect.maxElapsed()).isEqualTo(resume.maxElapsed()).isEqualTo(Duration.ofMinutes(1));
	}

	@Test
	void policyComponentsInheritOneByOne() {
		SseResumeSettings own = SseResumeSettings.INHERIT.withLimits(9, null);
		SseResumeSettings resolved = own.orElse(SseResumeSettings.DEFAULTS);
		assertThat(resolved.maxAttempts()).isEqualTo(9);
		assertThat(resolved.maxElapsed()).isEqualTo(SseResumeSettings.DEFAULTS.maxElapsed());
		assertThat(resolved.initialDelay()).isEqualTo(Duration.ofMillis(250));
		assertThat(resolved.enabled()).isFalse();
	}

	private static void assertInvalid(String key, Runnable action) {
		assertThatExceptionOfType(InvalidSettingException.class).isThrownBy(action::run)
			.satisfies((ex) -> assertThat(ex.key()).isEqualTo(key));
	}

}
