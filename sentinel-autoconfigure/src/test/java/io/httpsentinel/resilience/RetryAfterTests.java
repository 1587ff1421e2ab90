package io.httpsentinel.resilience;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RetryAfter}.
 */
class RetryAfterTests {

	private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

	private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

	@Test
	void retryAfterMsIsReadAsMilliseconds() {
		assertThat(RetryAfter.of(headers("retry-after-ms", "150"), this.clock)).hasValue(Duration.ofMillis(150));
	}

	@Test
	void fractionalRetryAfterMsIsKeptWhole() {
		assertThat(RetryAfter.of(headers("retry-after-ms", "12.5"), this.clock)).hasValue(Duration.ofNanos(12_500_000));
	}

	@Test
	void fractionalRetryAfterMsRoundsUpNeverEarly() {
		// 1.5ns cannot be represented: waiting 1ns would be early.
		assertThat(RetryAfter.of(headers("retry-after-ms", "0.0000015"), this.clock)).hasValue(Duration.ofNanos(2));
	}

	@Test
	void retryAfterSecondsIsHonoured() {
		assertThat(RetryAfter.of(headers(HttpHeaders.RETRY_AFTER, "3"), this.clock)).hasValue(Duration.ofSeconds(3));
	}

	@Test
	void retryAfterHttpDateIsMeasuredFromTheClock() {
		String tenSecondsLater = DateTimeFormatter.RFC_1123_DATE_TIME
			.format(NOW.plusSeconds(10).atZone(ZoneOffset.UTC));
		assertThat(RetryAfter.of(headers(HttpHeaders.RETRY_AFTER, tenSecondsLater), this.clock))
			.hasValue(Duration.ofSeconds(10));
	}

	@Test
	void retryAfterHttpDateInThePastMeansNoWait() {
		assertThat(RetryAfter.of(headers(HttpHeaders.RETRY_AFTER, "Sun, 06 Nov 1994 08:49:37 GMT"), this.clock))
			.hasValue(Duration.ZERO);
	}

	@Test
	void retryAfterMsWinsOverRetryAfter() {
		HttpHeaders headers = headers("retry-after-ms", "150");
		headers.set(HttpHeaders.RETRY_AFTER, "3");
		assertThat(RetryAfter.of(headers, this.clock)).hasValue(Duration.ofMillis(150));
	}

	@Test
	void unparseableRetryAfterMsFallsBackToRetryAfter() {
		HttpHeaders headers = headers("retry-after-ms", "soon");
		headers.set(HttpHeaders.RETRY_AFTER, "3");
		assertThat(RetryAfter.of(headers, this.clock)).hasValue(Duration.ofSeconds(3));
	}

	@ParameterizedTest
	@ValueSource(strings = { "soon", "-1", "", " ", "1.5", "+3", "Sun, 06 Nov 1994" })
	void unparseableRetryAfterIsIgnored(String value) {
		assertThat(RetryAfter.of(headers(HttpHeaders.RETRY_AFTER, value), this.clock)).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "soon", "-1", "", "NaN", "Infinity", "-0.5" })
	void unparseableRetryAfterMsIsIgnored(String value) {
		assertThat(RetryAfter.of(headers("retry-after-ms", value), this.clock)).isEmpty();
	}

	@Test
	void noHeaderMeansNoRequestedWait() {
		assertThat(RetryAfter.of(new HttpHeaders(), this.clock)).isEmpty();
	}

	@Test
	void hugeRetryAfterSecondsDoesNotOverflow() {
		Duration wait = RetryAfter.of(headers(HttpHeaders.RETRY_AFTER, "99999999999999999999999999"), this.clock)
			.orElseThrow();
		assertThat(wait).isGreaterThan(Duration.ofDays(365L * 1000));
		assertThat(NOW.plus(wait)).isAfter(NOW);
	}

	@Test
	void hugeRetryAfterMsDoesNotOverflow() {
		Duration wait = RetryAfter.of(headers("retry-after-ms", "1e300"), this.clock).orElseThrow();
		assertThat(wait).isGreaterThan(Duration.ofDays(365L * 10));
		assertThat(NOW.plus(wait)).isAfter(NOW);
	}

	@Test
	void leadingZerosDoNotInflateRetryAfterSeconds() {
		// delay-seconds is 1*DIGIT (RFC 9110): zero padding is still a valid value.
		assertThat(RetryAfter.of(headers(HttpHeaders.RETRY_AFTER, "00000000000003"), this.clock))
			.hasValue(Duration.ofSeconds(3));
	}

	private static HttpHeaders headers(String name, String value) {
		HttpHeaders headers = new HttpHeaders();
		headers.set(name, value);
		return headers;
	}

}
