package io.httpsentinel.resilience;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;
import reactor.test.StepVerifier;

import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import io.httpsentinel.client.ClientSettings;
import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.pool.TimeoutSettings;
import io.httpsentinel.testsupport.LoopbackServer;
import io.httpsentinel.testsupport.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The circuit breaker of a client against a real loopback server whose answer the test
 * sets; the breaker's clock is moved by hand.
 */
class CircuitBreakerIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final AtomicInteger status = new AtomicInteger(500);

	private final AtomicInteger served = new AtomicInteger();

	private final LoopbackServer server = LoopbackServer.start((routes) -> routes.get("/", (request, response) -> {
		this.served.incrementAndGet();
		return response.status(this.status.get()).sendString(Mono.just("status " + this.status.get()));
	}).get("/stream-breaks", (request, response) -> {
		this.served.incrementAndGet();
		return breakingStream(response);
	}));

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private final ResilientClients clients = new ResilientClients(this.clock);

	@AfterEach
	void stop() {
		this.clients.close();
		this.server.close();
	}

	@Test
	void breakerOpensRejectsHalfOpensAndClosesAgain() {
		SentinelClient client = this.clients.create(this.server.baseUrl(), ResilientClients::smallBreaker);
		for (int i = 0; i < 4; i++) {
			StepVerifier.create(get(client)).expectError(WebClientResponseException.class).verify(TIMEOUT);
		}
		assertThat(state(client)).isEqualTo(CircuitBreaker.State.OPEN);
		int servedWhenOpened = this.served.get();
		StepVerifier.create(get(client))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(CircuitOpenException.class)
				.hasMessageContaining("'upstream'"))
			.verify(TIMEOUT);
		assertThat(this.served).hasValue(servedWhenOpened);
		// The open breaker is never retried against: one rejected attempt, no retry.
		assertThat(this.clients.reasons()).last().isEqualTo("error-not-retryable");

		this.clock.advance(Duration.ofSeconds(31));
		this.status.set(200);
		assertThat(get(client).block(TIMEOUT)).isEqualTo("status 200");
		assertThat(state(client)).isEqualTo(CircuitBreaker.State.HALF_OPEN);
		assertThat(get(client).block(TIMEOUT)).isEqualTo("status 200");
		assertThat(state(client)).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void failedProbeOpensTheBreakerAgain() {
		SentinelClient client = this.clients.create(this.server.baseUrl(), ResilientClients::smallBreaker);
		for (int i = 0; i < 4; i++) {
			StepVerifier.create(get(client)).expectError(WebClientResponseException.class).verify(TIMEOUT);
		}
		this.clock.advance(Duration.ofSeconds(31));
		StepVerifier.create(get(client)).expectError(WebClientResponseException.class).verify(TIMEOUT);
		StepVerifier.create(get(client)).expectError(WebClientResponseException.class).verify(TIMEOUT);
		assertThat(state(client)).isEqualTo(CircuitBreaker.State.OPEN);
	}

	@Test
	void tooManyRequestsAndClientErrorsNeverOpenTheBreaker() {
		SentinelClient client = this.clients.create(this.server.baseUrl(), ResilientClients::smallBreaker);
		for (int code : new int[] { 429, 429, 429, 400, 404, 429, 409, 429 }) {
			this.status.set(code);
			StepVerifier.create(get(client)).expectError(WebClientResponseException.class).verify(TIMEOUT);
		}
		assertThat(state(client)).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(client.circuitBreaker().resilience4j().getMetrics().getNumberOfFailedCalls()).isZero();
	}

	@Test
	void streamBreakingOffAfterItsHeadersCountsAsAFailure() {
		SentinelClient client = this.clients.create(this.server.baseUrl(), ResilientClients::smallBreaker);
		StepVerifier
			.create(client.webClient()
				.get()
				.uri("/stream-breaks")
				.retrieve()
				.bodyToFlux(String.class)
				.map(String::strip)
				.filter((line) -> !line.isEmpty()))
			.expectNext("one")
			.expectError()
			.verify(TIMEOUT);
		CircuitBreaker.Metrics metrics = client.circuitBreaker().resilience4j().getMetrics();
		// One success when the headers arrived, one failure when the stream broke off.
		assertThat(metrics.getNumberOfSuccessfulCalls()).isEqualTo(1);
		assertThat(metrics.getNumberOfFailedCalls()).isEqualTo(1);
		// Nothing is retried once the caller has seen a byte of the body.
		assertThat(this.served).hasValue(1);
	}

	@Test
	void disabledBreakerNeverOpens() {
		SentinelClient client = this.clients.create(this.server.baseUrl(),
				(settings) -> ResilientClients.smallBreaker(settings)
					.withCircuitBreaker(CircuitBreakerSettings.INHERIT.withEnabled(false)));
		for (int i = 0; i < 8; i++) {
			StepVerifier.create(get(client)).expectError(WebClientResponseException.class).verify(TIMEOUT);
		}
		assertThat(client.circuitBreaker().resilience4j()).isNull();
		assertThat(this.served).hasValue(8);
	}

	private static Mono<Void> breakingStream(HttpServerResponse response) {
		// One event, then the connection drops without ending the chunked body.
		Mono<String> dropConnection = Mono.delay(Duration.ofMillis(100))
			.doOnNext((tick) -> response.withConnection((connection) -> connection.channel().close()))
			.then(Mono.never());
		return response.header("content-type", MediaType.TEXT_EVENT_STREAM_VALUE)
			.sendString(Flux.concat(Mono.just("data: one\n\n"), dropConnection))
			.then();
	}

	private static CircuitBreaker.State state(SentinelClient client) {
		return client.circuitBreaker().resilience4j().getState();
	}

	private static Mono<String> get(SentinelClient client) {
		return client.webClient().get().uri("/").retrieve().bodyToMono(String.class);
	}

}
