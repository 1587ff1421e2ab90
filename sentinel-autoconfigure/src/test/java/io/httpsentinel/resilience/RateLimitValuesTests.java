package io.httpsentinel.resilience;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One test per format of a rate-limit header's value that {@link RateLimitValues} reads,
 * and per malformed shape it ignores.
 */
class RateLimitValuesTests {

	private static final long SECOND = 1_000_000_000L;

	private static final long MS = 1_000_000L;

	private static final long NOW = RateLimitValues.epochNanos(Instant.parse("2026-12-06T17:30:00Z"));

	@Test
	void countIsAnInteger() {
		assertThat(RateLimitValues.count("42")).isEqualTo(42);
	}

	@Test
	void countIgnoresSurroundingSpaces() {
		assertThat(RateLimitValues.count(" 42 ")).isEqualTo(42);
	}

	@Test
	void countIgnoresWhatFollowsACommaOrSemicolon() {
		assertThat(RateLimitValues.count("100, 100;w=60")).isEqualTo(100);
		assertThat(RateLimitValues.count("100;w=60")).isEqualTo(100);
	}

	@Test
	void countOfZero() {
		assertThat(RateLimitValues.count("0")).isZero();
	}

	@Test
	void negativeCountIsIgnored() {
		assertThat(RateLimitValues.count("-1")).isEqualTo(RateLimitValues.NONE);
	}

	@Test
	void decimalCountIsIgnored() {
		assertThat(RateLimitValues.count("1.5")).isEqualTo(RateLimitValues.NONE);
	}

	@Test
	void countTooLargeIsIgnored() {
		assertThat(RateLimitValues.count("12345678901234567890")).isEqualTo(RateLimitValues.NONE);
	}

	@Test
	void emptyCountIsIgnored() {
		assertThat(RateLimitValues.count("")).isEqualTo(RateLimitValues.NONE);
		assertThat(RateLimitValues.count("  ")).isEqualTo(RateLimitValues.NONE);
	}

	@Test
	void resetInDeltaSeconds() {
		assertThat(RateLimitValues.reset("30", NOW)).isEqualTo(NOW + 30 * SECOND);
	}

	@Test
	void resetInDecimalSeconds() {
		assertThat(RateLimitValues.reset("0.25", NOW)).isEqualTo(NOW + 250 * MS);
	}

	@Test
	void resetOfZeroSecondsIsNow() {
		assertThat(RateLimitValues.reset("0", NOW)).isEqualTo(NOW);
	}

	@Test
	void resetJustBelowTheEpochBoundIsADelay() {
		assertThat(RateLimitValues.reset("999999999", NOW)).isEqualTo(NOW + 999_999_999L * SECOND);
	}

	@Test
	void resetInEpochSeconds() {
		assertThat(RateLimitValues.reset("1796578230", NOW))
			.isEqualTo(RateLimitValues.epochNanos(Instant.ofEpochSecond(1796578230)));
	}

	@Test
	void resetInDecimalEpochSeconds() {
		assertThat(RateLimitValues.reset("1796578230.5", NOW))
			.isEqualTo(RateLimitValues.epochNanos(Instant.ofEpochSecond(1796578230, 500_000_000)));
	}

	@Test
	void resetInEpochMilliseconds() {
		assertThat(RateLimitValues.reset("1796578230250", NOW))
			.isEqualTo(RateLimitValues.epochNanos(Instant.ofEpochMilli(1796578230250L)));
	}

	@Test
	void resetInGoDurationMinutesAndSeconds() {
		assertThat(RateLimitValues.reset("6m0s", NOW)).isEqualTo(NOW + 360 * SECOND);
	}

	@Test
	void resetInGoDurationSeconds() {
		assertThat(RateLimitValues.reset("1s", NOW)).isEqualTo(NOW + SECOND);
	}

	@Test
	void resetInGoDurationMilliseconds() {
		assertThat(RateLimitValues.reset("20ms", NOW)).isEqualTo(NOW + 20 * MS);
	}

	@Test
	void resetInGoDurationWithEveryLargeUnitAndAFraction() {
		assertThat(RateLimitValues.reset("1h2m3.5s", NOW)).isEqualTo(NOW + 3723 * SECOND + 500 * MS);
	}

	@Test
	void resetInGoDurationMicrosecondsAndNanoseconds() {
		assertThat(RateLimitValues.goDuration("1us")).isEqualTo(1000);
		assertThat(RateLimitValues.goDuration("1\u00b5s")).isEqualTo(1000);
		assertThat(RateLimitValues.goDuration("1\u03bcs")).isEqualTo(1000);
		assertThat(RateLimitValues.goDuration("7ns")).isEqualTo(7);
	}

	@Test
	void goDurationWithAnUnknownUnitIsIgnored() {
		assertThat(RateLimitValues.reset("5d", NOW)).isEqualTo(RateLimitValues.NONE);
		assertThat(RateLimitValues.reset("5sec", NOW)).isEqualTo(RateLimitValues.NONE);
	}

	@Test
	void goDurationWithoutANumberIsIgnored() {
		assertThat(RateLimitValues.goDuration("ms")).isEqualTo(RateLimitValues.NONE);
		assertThat(RateLimitValues.goDuration("1s.m")).isEqualTo(RateLimitValues.NONE);
	}

	@Test
	void resetInRfc3339() {
		assertThat(RateLimitValues.reset("2026-12-06T17:30:25Z", NOW)).isEqualTo(NOW + 25 * SECOND);
	}

	@Test
	void resetInRfc3339WithAnOffsetAndFractionalSeconds() {
		assertThat(RateLimitValues.reset("2026-12-06T18:30:25.5+01:00", NOW)).isEqualTo(NOW + 25 * SECOND + 500 * MS);
	}

	@Test
	void resetInIsoDuration() {
		assertThat(RateLimitValues.reset("PT1M30S", NOW)).isEqualTo(NOW + 90 * SECOND);
	}

	@Test
	void resetInHttpDate() {
		assertThat(RateLimitValues.reset("Sun, 06 Dec 2026 17:30:25 GMT", NOW)).isEqualTo(NOW + 25 * SECOND);
	}

	@Test
	void negativeResetIsIgnored() {
		assertThat(RateLimitValues.reset("-5", NOW)).isEqualTo(RateLimitValues.NONE);
		assertThat(RateLimitValues.reset("PT-5S", NOW)).isEqualTo(RateLimitValues.NONE);
	}

	@Test
	void resetTooFarAwayIsIgnored() {
		assertThat(RateLimitValues.reset("99999999999999999999999", NOW)).isEqualTo(RateLimitValues.NONE);
		assertThat(RateLimitValues.reset("9999999h", NOW)).isEqualTo(RateLimitValues.NONE);
	}

	@Test
	void malformedResetsAreIgnored() {
		for (String value : new String[] { "", " ", "soon", "1.2.3", "2026-13-45T00:00:00Z", "P", "Sun, 99 Dec",
				"." }) {
			assertThat(RateLimitValues.reset(value, NOW)).as(value).isEqualTo(RateLimitValues.NONE);
		}
	}

}
