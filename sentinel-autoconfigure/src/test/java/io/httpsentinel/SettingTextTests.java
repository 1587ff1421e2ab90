package io.httpsentinel;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import io.httpsentinel.client.pool.PoolAcquireTimeoutException;
import io.httpsentinel.client.pool.ReadIdleTimeoutException;
import io.httpsentinel.client.pool.ResponseHeadersTimeoutException;
import io.httpsentinel.resilience.TotalTimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SettingText}.
 */
class SettingTextTests {

	@Test
	void durationsUseTheLargestExactUnit() {
		assertThat(SettingText.duration(Duration.ofDays(2))).isEqualTo("2d");
		assertThat(SettingText.duration(Duration.ofHours(3))).isEqualTo("3h");
		assertThat(SettingText.duration(Duration.ofMinutes(10))).isEqualTo("10m");
		assertThat(SettingText.duration(Duration.ofSeconds(90))).isEqualTo("90s");
		assertThat(SettingText.duration(Duration.ofMillis(1500))).isEqualTo("1500ms");
		assertThat(SettingText.duration(Duration.ofNanos(2000))).isEqualTo("2us");
		assertThat(SettingText.duration(Duration.ofNanos(7))).isEqualTo("7ns");
		assertThat(SettingText.duration(Duration.ZERO)).isEqualTo("0s");
		assertThat(SettingText.duration(Duration.ofSeconds(-5))).isEqualTo("-5s");
		assertThat(SettingText.duration(Duration.ofMillis(-1500))).isEqualTo("-1500ms");
	}

	@Test
	void dataSizesUseTheLargestExactUnit() {
		assertThat(SettingText.dataSize(DataSize.ofGigabytes(1))).isEqualTo("1GB");
		assertThat(SettingText.dataSize(DataSize.ofKilobytes(1536))).isEqualTo("1536KB");
		assertThat(SettingText.dataSize(DataSize.ofBytes(1000))).isEqualTo("1000B");
		assertThat(SettingText.dataSize(DataSize.ofBytes(0))).isEqualTo("0B");
	}

	@Test
	void valuesOtherThanDurationsAndSizesStayAsTheyAre() {
		assertThat(SettingText.of(Duration.ofMinutes(10))).isEqualTo("10m");
		assertThat(SettingText.of(DataSize.ofMegabytes(10))).isEqualTo("10MB");
		assertThat(SettingText.of(7)).isEqualTo(7);
		assertThat(SettingText.of(null)).isNull();
	}

	@Test
	void durationsWrittenByDurationToStringAreRewrittenInMessages() {
		assertThat(SettingText.withReadableDurations("must be shorter than timeouts.total (PT10M)"))
			.isEqualTo("must be shorter than timeouts.total (10m)");
		assertThat(SettingText.withReadableDurations("between PT1.5S and PT1H30M, not PT-0.5S"))
			.isEqualTo("between 1500ms and 90m, not -500ms");
		assertThat(SettingText.withReadableDurations("PTR, APT, PT and HTTP stay"))
			.isEqualTo("PTR, APT, PT and HTTP stay");
	}

	@Test
	void timeoutExceptionsAndInvalidSettingsPrintDurationsAsWritten() {
		assertThat(new TotalTimeoutException("weather", Duration.ofMinutes(10), null))
			.hasMessageContaining("timeouts.total (10m)");
		assertThat(new ReadIdleTimeoutException("weather", Duration.ofSeconds(30)))
			.hasMessageContaining("timeouts.read-idle (30s)");
		assertThat(new ResponseHeadersTimeoutException("weather", Duration.ofMillis(1500)))
			.hasMessageContaining("timeouts.response-headers (1500ms)");
		assertThat(new PoolAcquireTimeoutException("weather", Duration.ofSeconds(45), new TimeoutException()))
			.hasMessageContaining("pool.pending-acquire-timeout (45s)");
		assertThat(new InvalidSettingException("timeouts.total", Duration.ofMinutes(10),
				"must be longer than timeouts.connect (PT20M)"))
			.hasMessage("Invalid value '10m' for 'timeouts.total': must be longer than timeouts.connect (20m)");
	}

}
