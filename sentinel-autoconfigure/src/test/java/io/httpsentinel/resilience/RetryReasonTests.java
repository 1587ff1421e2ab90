package io.httpsentinel.resilience;

import java.time.Clock;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.http.HttpMethod;

import io.httpsentinel.client.ClientSettings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RetryReason}.
 */
class RetryReasonTests {

	@ParameterizedTest
	@CsvSource({ "status-503, status", "status-429, status", "retry-after, retry-after", "connect, connect",
			"tls-handshake-timeout, connect", "response-headers-timeout, timeout", "reset-before-response, reset",
			"refused-stream, reset", "pool-acquire-timeout, pool", "something-new, other" })
	void groupsDecisionReasons(String decisionReason, String tag) {
		assertThat(RetryReason.of(decisionReason).tag()).isEqualTo(tag);
	}

	@Test
	void everyRetryableFailureKindHasAGroupOfItsOwn() {
		RetryPolicy policy = new RetryPolicy(ClientSettings.DEFAULTS.retry(), Clock.systemUTC(), () -> 0.5);
		Arrays.stream(FailureKind.values()).filter(FailureKind::retryable).forEach((kind) -> {
			RetryDecision decision = policy.afterError(1, HttpMethod.GET, kind, true);
			assertThat(decision.retry()).as(kind.name()).isTrue();
			assertThat(RetryReason.of(decision.reason())).as(decision.reason()).isNotEqualTo(RetryReason.OTHER);
		});
	}

}
