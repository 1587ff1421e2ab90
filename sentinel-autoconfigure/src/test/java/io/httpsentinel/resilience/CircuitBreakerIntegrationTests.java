package io.httpsentinel.resilience;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

import org.springframework.http.MediaType;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.pool.ReadIdleTimeoutException;
import io.httpsentinel.client.pool.TimeoutSettings;
import io.httpsentinel.testsupport.ClientKind;
import io.httpsentinel.testsupport.ErrorStatus;
import io.httpsentinel.testsupport.LoopbackServer;
import io.httpsentinel.testsupport.MutableClock;
import io.httpsentinel.testsupport.TestRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The circuit breaker of a client against a real loopback server whose answer the test
 * sets, once through each {@link ClientKind}; the breaker's clock is moved by hand.
 */
class CircuitBreakerIntegrationTests {

	private final AtomicInteger status = new AtomicInteger(500);

	private final AtomicInteger served = new AtomicInteger();

	private final LoopbackServer server = LoopbackServer.start((routes) -> routes.get("/", (request, response) -> {
		this.served.incrementAndGet();
		return response.status(this.status.get()).sendString(Mono.just("status " + this.status.get()));
	}).get("/stream-breaks", (request, response) -> {
		this.served.incrementAndGet();
		return breakingStream(response);
	}).get("/stream-stalls", (request, response) -> {
		this.served.incrementAndGet();
		// One event, then silence: the connection stays open until the client gives up.
		return response.header("content-type", MediaType.TEXT_EVENT_STREAM_VALUE)
			.sendString(Flux.concat(Mono.just("data: one\n\n"), Mono.never()))
			.then();
	}));

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private final ResilientClients clients = new ResilientClients(this.clock);

	@AfterEach
	void stop() {
		this.clients.close();
		this.server.close();
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void breakerOpensRejectsHalfOpensAndClosesAgain(ClientKind kind) {
		SentinelClient client = this.clients.create(this.server.baseUrl(), ResilientClients::smallBreaker);
		failFourTimes(kind, client);
		assertThat(state(client)).isEqualTo(CircuitBreaker.State.OPEN);
		int servedWhenOpened = this.served.get();
		assertThatExceptionOfType(CircuitOpenException.class).isThrownBy(() -> kind.get(client, "/"))
			.withMessageContaining("'upstream'");
		assertThat(this.served).hasValue(servedWhenOpened);
		// The open breaker is never retried against: one rejected attempt, no retry.
		assertThat(this.clients.reasons()).last().isEqualTo("error-not-retryable");

		this.clock.advance(Duration.ofSeconds(31));
		this.status.set(200);
		assertThat(kind.get(client, "/")).isEqualTo("status 200");
		assertThat(state(client)).isEqualTo(CircuitBreaker.State.HALF_OPEN);
		assertThat(kind.get(client, "/")).isEqualTo("status 200");
		assertThat(state(client)).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void failuresThroughEitherApiCountInTheSameBreaker(ClientKind kind) {
		SentinelClient client = this.clients.create(this.server.baseUrl(), ResilientClients::smallBreaker);
		for (ClientKind caller : List.of(kind, kind.other(), kind, kind.other())) {
			assertThatExceptionOfType(ErrorStatus.class).isThrownBy(() -> caller.get(client, "/"));
		}
		assertThat(state(client)).isEqualTo(CircuitBreaker.State.OPEN);
		for (ClientKind caller : ClientKind.values()) {
			assertThatExceptionOfType(CircuitOpenException.class).isThrownBy(() -> caller.get(client, "/"));
		}
		assertThat(this.served).hasValue(4);
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void failedProbeOpensTheBreakerAgain(ClientKind kind) {
		SentinelClient client = this.clients.create(this.server.baseUrl(), ResilientClients::smallBreaker);
		failFourTimes(kind, client);
		this.clock.advance(Duration.ofSeconds(31));
		assertThatExceptionOfType(ErrorStatus.class).isThrownBy(() -> kind.get(client, "/"));
		assertThat(state(client)).isEqualTo(CircuitBreaker.State.HALF_OPEN);
		assertThatExceptionOfType(ErrorStatus.class).isThrownBy(() -> kind.get(client, "/"));
		assertThat(state(client)).isEqualTo(CircuitBreaker.State.OPEN);
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void tooManyRequestsAndClientErrorsNeverOpenTheBreaker(ClientKind kind) {
		SentinelClient client = this.clients.create(this.server.baseUrl(), ResilientClients::smallBreaker);
		for (int code : new int[] { 429, 429, 429, 400, 404, 429, 409, 429 }) {
			this.status.set(code);
			assertThatExceptionOfType(ErrorStatus.class).isThrownBy(() -> kind.get(client, "/"))
				.satisfies((error) -> assertThat(error.status()).isEqualTo(code));
		}
		assertThat(state(client)).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(client.circuitBreaker().resilience4j().getMetrics().getNumberOfFailedCalls()).isZero();
		assertThat(client.metrics().totals().requests()).isEqualTo(8);
		assertThat(this.served).hasValue(8);
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void streamBreakingOffAfterItsHeadersCountsAsAFailure(ClientKind kind) {
		SentinelClient client = this.clients.create(this.server.baseUrl(), ResilientClients::smallBreaker);
		List<String> chunks = new CopyOnWriteArrayList<>();
		Throwable error = catchThrowable(() -> kind.stream(client, TestRequest.get("/stream-breaks"), chunks::add));
		assertThat(String.join("", chunks)).isEqualTo("data: one\n\n");
		assertThat(error).isNotNull();
		CircuitBreaker.Metrics metrics = client.circuitBreaker().resilience4j().getMetrics();
		// One success when the headers arrived, one failure when the stream broke off.
		assertThat(metrics.getNumberOfSuccessfulCalls()).isEqualTo(1);
		assertThat(metrics.getNumberOfFailedCalls()).isEqualTo(1);
		assertThat(this.served).hasValue(1);
	}

	@Test
	void streamItsCallerReconnectsIsJudgedByItsReconnectsNotByItsBreaks() {
		SentinelClient client = this.clients.create(this.server.baseUrl(), ResilientClients::smallBreaker);
		// Far more breaks than the 4 calls at 50% that open this breaker.
		for (int i = 0; i < 6; i++) {
			List<String> chunks = new CopyOnWriteArrayList<>();
			Throwable error = catchThrowable(() -> client.webClient()
				.get()
				.uri("/stream-breaks")
				.attribute(ReconnectedStream.ATTRIBUTE, Boolean.TRUE)
				.retrieve()
				.bodyToFlux(byte[].class)
				.doOnNext((chunk) -> chunks.add(new String(chunk, StandardCharsets.UTF_8)))
				.blockLast(Duration.ofSeconds(10)));
			assertThat(String.join("", chunks)).isEqualTo("data: one\n\n");
			assertThat(error).isNotNull();
		}
		CircuitBreaker.Metrics metrics = client.circuitBreaker().resilience4j().getMetrics();
		// Each connection is a success when its headers arrive; its break is not counted.
		assertThat(metrics.getNumberOfSuccessfulCalls()).isEqualTo(6);
		assertThat(metrics.getNumberOfFailedCalls()).isZero();
		assertThat(state(client)).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(this.served).hasValue(6);
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void streamStallingPastReadIdleAfterItsHeadersCountsAsAFailure(ClientKind kind) {
		SentinelClient client = this.clients.create(this.server.baseUrl(),
				(settings) -> ResilientClients.smallBreaker(settings)
					.withTimeouts(TimeoutSettings.INHERIT.withResponseHeaders(Duration.ofSeconds(5))
						.withReadIdle(Duration.ofMillis(200))));
		List<String> chunks = new CopyOnWriteArrayList<>();
		Throwable error = catchThrowable(() -> kind.stream(client, TestRequest.get("/stream-stalls"), chunks::add));
		assertThat(String.join("", chunks)).isEqualTo("data: one\n\n");
		assertThat(Stream.iterate(error, Objects::nonNull, Throwable::getCause))
			.hasAtLeastOneElementOfType(ReadIdleTimeoutException.class);
		CircuitBreaker.Metrics metrics = client.circuitBreaker().resilience4j().getMetrics();
		// A stall is a gateway failure like a timeout: one success when the headers
		// arrived, one failure when the stream went silent.
		assertThat(metrics.getNumberOfSuccessfulCalls()).isEqualTo(1);
		assertThat(metrics.getNumberOfFailedCalls()).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(ClientKind.class)
	void disabledBreakerNeverOpens(ClientKind kind) {
		SentinelClient client = this.clients.create(this.server.baseUrl(),
				(settings) -> ResilientClients.smallBreaker(settings)
					.withCircuitBreaker(CircuitBreakerSettings.INHERIT.withEnabled(false)));
		for (int i = 0; i < 8; i++) {
			assertThatExceptionOfType(ErrorStatus.class).isThrownBy(() -> kind.get(client, "/"));
		}
		assertThat(client.circuitBreaker().resilience4j()).isNull();
		assertThat(client.metrics().totals().failures()).isEqualTo(8);
		assertThat(this.served).hasValue(8);
	}

	private static void failFourTimes(ClientKind kind, SentinelClient client) {
		for (int i = 0; i < 4; i++) {
			assertThatExceptionOfType(ErrorStatus.class).isThrownBy(() -> kind.get(client, "/"))
				.satisfies((error) -> assertThat(error.status()).isEqualTo(500));
		}
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

}
