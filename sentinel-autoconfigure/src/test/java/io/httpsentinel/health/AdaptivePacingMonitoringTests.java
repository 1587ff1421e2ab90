package io.httpsentinel.health;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.health.ClientState.AdaptivePacingState;
import io.httpsentinel.metrics.SentinelClientMetrics;
import io.httpsentinel.resilience.AdaptivePacingView;
import io.httpsentinel.resilience.ResilientClients;
import io.httpsentinel.testsupport.QuotaUpstream;
import io.httpsentinel.testsupport.QuotaUpstream.Style;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Adaptive pacing as monitoring shows it (the client's view, its health details, its
 * meters), after real traffic against an upstream on loopback that enforces a quota of 20
 * requests a second and states it in OpenAI's headers.
 */
class AdaptivePacingMonitoringTests {

	private final ResilientClients clients = new ResilientClients(Clock.systemUTC());

	private final QuotaUpstream upstream = new QuotaUpstream(20, Duration.ofSeconds(1), Style.OPENAI);

	@AfterEach
	void stop() {
		this.clients.close();
		this.upstream.close();
	}

	@Test
	void theClientItsHealthAndItsMetersShowWhatPacingDid() {
		SentinelClient client = this.clients.create(this.upstream.baseUrl(),
				(settings) -> QuotaUpstream.withoutRetries(settings, true));
		QuotaUpstream.send(client, 40, 4).collectList().block(Duration.ofSeconds(30));
		AdaptivePacingView pacing = client.adaptivePacing().orElseThrow();
		// 40 requests against 20 a second: half of them at least wait for a slot.
		assertThat(pacing.pacedRequests()).isGreaterThanOrEqualTo(10);
		assertThat(pacing.refusedRequests()).isZero();
		assertThat(pacing.share()).isEqualTo(1.0);
		assertThat(pacing.sharedSchedule()).isFalse();
		assertThat(pacing.remaining().isPresent()).isEqualTo(pacing.reset().isPresent());

		Health health = new SentinelHealthIndicator(client).health();
		assertThat(health.getDetails().get("adaptivePacing")).isInstanceOfSatisfying(AdaptivePacingState.class,
				(state) -> {
					assertThat(state.pacedRequests()).isEqualTo(pacing.pacedRequests());
					assertThat(state.share()).isEqualTo(1.0);
				});

		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		new SentinelClientMetrics(List.of(client)).bindTo(registry);
		assertThat(registry.get("sentinel.client.rate.limit.adaptive.paced")
			.tag("client", client.name())
			.functionCounter()
			.count()).isEqualTo(pacing.pacedRequests());
		assertThat(registry.get("sentinel.client.rate.limit.adaptive.refused").functionCounter().count()).isZero();
		assertThat(registry.get("sentinel.client.rate.limit.adaptive.share").gauge().value()).isEqualTo(1.0);
	}

	@Test
	void aClientThatDoesNotPaceShowsNoPacing() {
		SentinelClient client = this.clients.create(this.upstream.baseUrl(),
				(settings) -> QuotaUpstream.withoutRetries(settings, false));
		assertThat(client.adaptivePacing()).isEmpty();
		assertThat(new SentinelHealthIndicator(client).health().getDetails()).doesNotContainKey("adaptivePacing");
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		new SentinelClientMetrics(List.of(client)).bindTo(registry);
		assertThat(registry.find("sentinel.client.rate.limit.adaptive.paced").meters()).isEmpty();
	}

}
