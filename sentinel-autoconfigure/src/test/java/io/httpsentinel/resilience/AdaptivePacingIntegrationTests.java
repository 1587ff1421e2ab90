package io.httpsentinel.resilience;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.testsupport.QuotaUpstream;
import io.httpsentinel.testsupport.QuotaUpstream.Style;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Adaptive pacing through a real client against a real upstream on loopback that enforces
 * a quota of 20 requests a second and states it in each provider's headers: four callers
 * at a time send 60 requests (three windows' worth) without retries, so every 429 shows.
 */
class AdaptivePacingIntegrationTests {

	private static final int QUOTA = 20;

	private static final int REQUESTS = 60;

	private final ResilientClients clients = new ResilientClients(Clock.systemUTC());

	private QuotaUpstream upstream;

	@AfterEach
	void stop() {
		this.clients.close();
		if (this.upstream != null) {
			this.upstream.close();
		}
	}

	@ParameterizedTest
	@EnumSource(Style.class)
	void withoutPacingTheQuotaIsSpentAndManyRequestsMeetA429(Style style) {
		this.upstream = new QuotaUpstream(QUOTA, Duration.ofSeconds(1), style);
		List<Integer> statuses = send(client(false));
		// All sent within a window or two: at most two windows' worth get through.
		assertThat(statuses.stream().filter((status) -> status == 429))
			.hasSizeGreaterThanOrEqualTo(REQUESTS - 2 * QUOTA);
	}

	@ParameterizedTest
	@EnumSource(Style.class)
	void withPacingTheQuotaIsSpreadOverItsWindowAndAlmostNoRequestMeetsA429(Style style) {
		this.upstream = new QuotaUpstream(QUOTA, Duration.ofSeconds(1), style);
		List<Integer> statuses = send(client(true));
		// Without pacing, 40 of the 60 meet a 429. Responses lag requests: a request in
		// flight when a window turns may overshoot it (0 or 1 seen on loopback).
		assertThat(statuses.stream().filter((status) -> status == 429)).hasSizeLessThanOrEqualTo(4);
		assertThat(statuses).hasSize(REQUESTS);
	}

	private SentinelClient client(boolean adaptive) {
		return this.clients.create(this.upstream.baseUrl(),
				(settings) -> QuotaUpstream.withoutRetries(settings, adaptive));
	}

	private static List<Integer> send(SentinelClient client) {
		return QuotaUpstream.send(client, REQUESTS, 4).collectList().block(Duration.ofSeconds(30));
	}

}
