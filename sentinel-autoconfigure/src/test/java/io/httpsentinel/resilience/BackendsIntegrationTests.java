package io.httpsentinel.resilience;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import io.netty.handler.codec.http.HttpHeaderNames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.client.ClientSettings;
import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClientFactory;
import io.httpsentinel.sse.SseEvent;
import io.httpsentinel.testsupport.ClientKind;
import io.httpsentinel.testsupport.DelayRecordingScheduler;
import io.httpsentinel.testsupport.ErrorStatus;
import io.httpsentinel.testsupport.LoopbackServer;
import io.httpsentinel.testsupport.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A client with several backends against real servers on loopback, through both client
 * kinds: how calls spread, how a failing backend leaves the choice and comes back (on a
 * clock that only moves when told), retries on another backend, pauses per backend or per
 * client, and a stream resumed on another backend.
 */
class BackendsIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final OutlierDetectionSettings EJECT_AFTER_3 = new OutlierDetectionSettings(true, 3, 3,
			Duration.ofSeconds(10), Duration.ofSeconds(60), 50);

	private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T21:00:00Z"));

	private final ResilientClients clients = new ResilientClients(this.clock);

	private final List<Upstream> upstreams = new ArrayList<>();

	private final List<SentinelClient> closeLater = new ArrayList<>();

	@AfterEach
	void stop() {
		this.clients.close();
		this.closeLater.forEach(SentinelClient::close);
		this.upstreams.forEach((upstream) -> upstream.server.close());
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void callsSpreadOverTheBackendsInProportionToTheirWeights(ClientKind kind) {
		Upstream a = upstream("a");
		Upstream b = upstream("b");
		Upstream c = upstream("c");
		SentinelClient client = client(List.of(a.endpoint(1), b.endpoint(1), c.endpoint(2)), EJECT_AFTER_3,
				PauseScope.BACKEND, 0);
		Map<String, Long> answers = callMany(kind, client, 40);
		assertThat(answers).containsEntry("a", 10L).containsEntry("b", 10L).containsEntry("c", 20L);
		assertThat(client.backends().orElseThrow().backends()).extracting(BackendView::requests)
			.containsExactly(10L, 10L, 20L);
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void aFailingBackendIsEjectedAndComesBackAfterItsEjectionTime(ClientKind kind) {
		Upstream a = upstream("a");
		Upstream b = upstream("b");
		Upstream c = upstream("c");
		SentinelClient client = client(List.of(a.endpoint(1), b.endpoint(1), c.endpoint(1)), EJECT_AFTER_3,
				PauseScope.BACKEND, 0);
		a.status.set(500);
		// One attempt per call: a sees every third call until it failed three in a row.
		for (int i = 0; i < 9; i++) {
			call(kind, client);
		}
		assertThat(a.requests).hasValue(3);
		BackendView ejected = client.backends().orElseThrow().backends().get(0);
		assertThat(ejected.ejected()).isTrue();
		assertThat(ejected.ejectedUntil()).isEqualTo(this.clock.instant().plusSeconds(10));
		// Traffic moves: every call succeeds on b and c.
		assertThat(callMany(kind, client, 20)).containsOnlyKeys("b", "c");
		assertThat(a.requests).hasValue(3);
		// Back after its ejection time, and healthy again.
		a.status.set(200);
		this.clock.advance(Duration.ofSeconds(10));
		assertThat(callMany(kind, client, 30)).containsEntry("a", 10L);
		assertThat(client.backends().orElseThrow().backends().get(0).ejected()).isFalse();
	}

	@Test
	void theEjectionCapHoldsWhenEveryBackendFails() {
		Upstream a = upstream("a");
		Upstream b = upstream("b");
		Upstream c = upstream("c");
		SentinelClient client = client(List.of(a.endpoint(1), b.endpoint(1), c.endpoint(1)), EJECT_AFTER_3,
				PauseScope.BACKEND, 0);
		this.upstreams.forEach((upstream) -> upstream.status.set(500));
		for (int i = 0; i < 60; i++) {
			call(ClientKind.WEB_CLIENT, client);
		}
		// 50% of 3: one backend out, the two others still get the calls.
		assertThat(client.backends().orElseThrow().backends()).filteredOn(BackendView::ejected).hasSize(1);
		int before = b.requests.get() + c.requests.get() + a.requests.get();
		for (int i = 0; i < 10; i++) {
			call(ClientKind.WEB_CLIENT, client);
		}
		assertThat(b.requests.get() + c.requests.get() + a.requests.get()).isEqualTo(before + 10);
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void aRetryGoesToAnotherBackendAndTheFailingOneSeesOneAttemptPerCall(ClientKind kind) {
		Upstream a = upstream("a");
		Upstream b = upstream("b");
		Upstream c = upstream("c");
		SentinelClient client = client(List.of(a.endpoint(1), b.endpoint(1), c.endpoint(1)),
				OutlierDetectionSettings.INHERIT.orElse(OutlierDetectionSettings.DEFAULTS)
					.orElse(OutlierDetectionSettings.DEFAULTS),
				PauseScope.BACKEND, 2);
		a.status.set(503);
		Map<String, Long> answers = callMany(kind, client, 12);
		// Every call succeeded, on b or c: each call a answered first was retried once,
		// elsewhere; a saw every other call (the retries take turns too) until its fifth
		// 503 in a row ejected it.
		assertThat(answers).containsOnlyKeys("b", "c");
		assertThat(answers.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(12);
		assertThat(a.requests).hasValue(5);
		assertThat(this.clients.reasons()).filteredOn("status-503"::equals).hasSize(5);
		assertThat(client.backends().orElseThrow().backends().get(0).ejected()).isTrue();
	}

	@Test
	void aRetryOnABackendTheCallHasNotTriedLeavesWithoutBackoff() {
		Upstream a = upstream("a");
		Upstream b = upstream("b");
		a.status.set(503);
		b.status.set(503);
		SentinelClient client = this.clients.create(a.endpoint(1).url(),
				(base) -> base.withBaseUrl(null)
					.withBackends(new BackendSettings(List.of(a.endpoint(1), b.endpoint(1)),
							OutlierDetectionSettings.DEFAULTS, null))
					.withRetry(RetrySettings.INHERIT.withMaxRetries(2)
						.withBackoff(Duration.ofMillis(50), 1.0, Duration.ofMillis(50), 0.0)));
		assertThat(call(ClientKind.WEB_CLIENT, client)).isEqualTo("a-503");
		// a, then b at once; both tried: the backoff before a again.
		assertThat(this.clients.attempts).extracting((event) -> event.decision().delay())
			.containsExactly(Duration.ZERO, Duration.ofMillis(50), Duration.ZERO);
		assertThat(a.requests.get() + b.requests.get()).isEqualTo(3);
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void aLongRetryAfterPausesOnlyTheBackendThatSentIt(ClientKind kind) {
		Upstream a = upstream("a");
		Upstream b = upstream("b");
		SentinelClient client = client(List.of(a.endpoint(1), b.endpoint(1)), EJECT_AFTER_3, PauseScope.BACKEND, 1);
		a.status.set(429);
		a.retryAfter.set("600");
		// The first call meets a's 429, which pauses a; its retry goes to b.
		assertThat(call(kind, client)).isEqualTo("b");
		assertThat(this.clients.reasons()).containsExactly("retry-after-elsewhere", "success");
		assertThat(callMany(kind, client, 6)).containsOnlyKeys("b");
		assertThat(a.requests).hasValue(1);
		assertThat(client.backends().orElseThrow().backends().get(0).pausedUntil())
			.isEqualTo(this.clock.instant().plusSeconds(600));
		assertThat(client.hostPause().pausedUntil()).isEmpty();
		a.status.set(200);
		this.clock.advance(Duration.ofSeconds(600));
		assertThat(callMany(kind, client, 6)).containsEntry("a", 3L);
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void withPauseScopeClientALongRetryAfterPausesEveryBackend(ClientKind kind) {
		Upstream a = upstream("a");
		Upstream b = upstream("b");
		SentinelClient client = client(List.of(a.endpoint(1), b.endpoint(1)), EJECT_AFTER_3, PauseScope.CLIENT, 1);
		a.status.set(429);
		a.retryAfter.set("600");
		assertThatExceptionOfType(ErrorStatus.class).isThrownBy(() -> call(kind, client))
			.satisfies((ex) -> assertThat(ex.status()).isEqualTo(429));
		assertThat(client.hostPause().pausedUntil()).contains(this.clock.instant().plusSeconds(600));
		assertThatExceptionOfType(HostPausedException.class).isThrownBy(() -> kind.get(client, "/who"));
		assertThat(b.requests).hasValue(0);
	}

	@Test
	void whenEveryBackendIsPausedTheCallFailsWithoutSending() {
		Upstream a = upstream("a");
		Upstream b = upstream("b");
		SentinelClient client = client(List.of(a.endpoint(1), b.endpoint(1)), EJECT_AFTER_3, PauseScope.BACKEND, 1);
		a.status.set(429);
		a.retryAfter.set("600");
		b.status.set(429);
		b.retryAfter.set("300");
		assertThatExceptionOfType(ErrorStatus.class).isThrownBy(() -> call(ClientKind.WEB_CLIENT, client));
		assertThatExceptionOfType(HostPausedException.class).isThrownBy(() -> call(ClientKind.WEB_CLIENT, client))
			.satisfies((ex) -> assertThat(ex.pausedUntil()).isEqualTo(this.clock.instant().plusSeconds(300)));
		assertThat(a.requests.get() + b.requests.get()).isEqualTo(2);
	}

	@Test
	void aRequestToAnotherHostIsNotSentToTheBackends() {
		Upstream a = upstream("a");
		Upstream b = upstream("b");
		Upstream elsewhere = upstream("elsewhere");
		SentinelClient client = client(List.of(a.endpoint(1), b.endpoint(1)), EJECT_AFTER_3, PauseScope.BACKEND, 0);
		String answer = client.webClient()
			.get()
			.uri(elsewhere.server.baseUrl() + "/v1/who")
			.retrieve()
			.bodyToMono(String.class)
			.block(TIMEOUT);
		assertThat(answer).isEqualTo("elsewhere");
		assertThat(a.requests.get() + b.requests.get()).isZero();
	}

	@Test
	void aStreamThatBrokeResumesOnTheOtherBackendExactlyOnce() {
		DelayRecordingScheduler time = new DelayRecordingScheduler();
		try {
			Upstream a = upstream("a");
			Upstream b = upstream("b");
			ResilienceSupport support = ResilienceSupport.standalone(this.clock, () -> time, List.of());
			SentinelClient client = new SentinelClientFactory(WebClient::builder, null, List.of(), support)
				.create("llm", ClientSettings.builder()
					// a's weight alone would give it the resume too (a, a, b, ...).
					.backends(new BackendSettings(List.of(a.endpoint(2), b.endpoint(1)), EJECT_AFTER_3, null))
					.retry(RetrySettings.INHERIT.withMaxRetries(0))
					.build());
			this.closeLater.add(client);
			StepVerifier.create(client.sse((web) -> web.get().uri("/events")).map(SseEvent::id).take(6))
				.expectNext("1", "2", "3")
				.then(() -> reconnect(time))
				.expectNext("4", "5", "6")
				.expectComplete()
				.verify(TIMEOUT);
			// The first connection went to a and broke after 3 events; the resume went to
			// b, from the last id.
			assertThat(a.lastEventIds).containsExactly("-");
			assertThat(b.lastEventIds).containsExactly("3");
		}
		finally {
			time.dispose();
		}
	}

	private static void reconnect(DelayRecordingScheduler time) {
		try {
			Duration delay = time.nextDelay(TIMEOUT);
			assertThat(delay).as("reconnect delay").isNotNull();
			time.advanceTimeBy(delay);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private SentinelClient client(List<BackendEndpoint> endpoints, OutlierDetectionSettings outlier, PauseScope scope,
			int maxRetries) {
		UnaryOperator<ClientSettings> settings = (base) -> base.withBaseUrl(null)
			.withBackends(new BackendSettings(endpoints, outlier, scope))
			// Backoff of 1ms rather than instant retries: those would drop the pauses
			// too.
			.withRetry(RetrySettings.INHERIT.withMaxRetries(maxRetries)
				.withBackoff(Duration.ofMillis(1), 1.0, Duration.ofMillis(1), 0.0))
			// The breaker stays per client; here it would only stop the calls that show
			// what the backends do.
			.withCircuitBreaker(CircuitBreakerSettings.INHERIT.withEnabled(false));
		return this.clients.create(endpoints.get(0).url(), settings);
	}

	private Map<String, Long> callMany(ClientKind kind, SentinelClient client, int calls) {
		List<String> answers = new ArrayList<>();
		for (int i = 0; i < calls; i++) {
			answers.add(call(kind, client));
		}
		return answers.stream().collect(Collectors.groupingBy((answer) -> answer, Collectors.counting()));
	}

	/**
	 * One call; a 5xx from the backend is an answer too (its name and status).
	 */
	private static String call(ClientKind kind, SentinelClient client) {
		try {
			return kind.get(client, "/who");
		}
		catch (ErrorStatus ex) {
			if (ex.status() >= 500) {
				return ex.body() + "-" + ex.status();
			}
			throw ex;
		}
	}

	private Upstream upstream(String name) {
		Upstream upstream = new Upstream(name);
		this.upstreams.add(upstream);
		return upstream;
	}

	/**
	 * A backend on loopback answering {@code /v1/who} with its name (or the status it is
	 * told to fail with), and {@code /v1/events} with three events after the
	 * {@code Last-Event-ID} it gets, then closing the stream.
	 */
	private static final class Upstream {

		final AtomicInteger requests = new AtomicInteger();

		final AtomicInteger status = new AtomicInteger(200);

		final java.util.concurrent.atomic.AtomicReference<String> retryAfter = new java.util.concurrent.atomic.AtomicReference<>();

		final List<String> lastEventIds = new CopyOnWriteArrayList<>();

		final LoopbackServer server;

		Upstream(String name) {
			this.server = LoopbackServer.start((routes) -> routes.get("/v1/who", (request, response) -> {
				this.requests.incrementAndGet();
				response.status(this.status.get());
				if (this.retryAfter.get() != null) {
					response.header("Retry-After", this.retryAfter.get());
				}
				return response.sendString(Mono.just(name));
			}).get("/v1/events", (request, response) -> {
				String lastEventId = request.requestHeaders().get("Last-Event-ID");
				this.lastEventIds.add((lastEventId != null) ? lastEventId : "-");
				int after = (lastEventId != null) ? Integer.parseInt(lastEventId) : 0;
				response.header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
				Flux<String> events = Flux.range(after + 1, 3).map((id) -> "id: " + id + "\ndata: " + name + "\n\n");
				return response.sendString(events, StandardCharsets.UTF_8);
			}));
		}

		BackendEndpoint endpoint(int weight) {
			return new BackendEndpoint(URI.create(this.server.baseUrl() + "/v1"), weight);
		}

	}

}
