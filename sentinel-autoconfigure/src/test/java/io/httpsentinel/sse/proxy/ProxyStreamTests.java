package io.httpsentinel.sse.proxy;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.resilience.DeadlineTimer;
import io.httpsentinel.sse.EventHooks;
import io.httpsentinel.sse.SlowClientPolicy;
import io.httpsentinel.sse.SseLimits;
import io.httpsentinel.sse.SseResumeSettings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ProxyStream}: the order of its signals, driven by hand.
 */
class ProxyStreamTests {

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private final AtomicInteger upstreamRequests = new AtomicInteger();

	private final SseProxyStatistics statistics = new SseProxyStatistics("test");

	private final OpenStreams streams = new OpenStreams(-1, Duration.ZERO);

	@AfterEach
	void stop() {
		this.time.dispose();
	}

	@Test
	void streamShutDownBeforeItStartedIsAnswered503WithoutContactingTheUpstream() {
		// OpenStreams.shutdown() may reach a stream between opened()'s add and start():
		// the pass that refuses it must not connect it afterwards.
		Mono<ResponseEntity<Flux<DataBuffer>>> response = Mono.create((sink) -> {
			assertThat(this.streams.admit(this.statistics, -1)).isNull();
			ProxyStream stream = new ProxyStream(options(), report(), this.streams, this.time,
					DeadlineTimer.on(() -> this.time), Clock.systemUTC(), sink, "");
			stream.shutdown(Duration.ZERO);
			stream.start();
		});
		StepVerifier.create(response)
			.assertNext((entity) -> assertThat(entity.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE))
			.expectComplete()
			.verify(Duration.ofSeconds(5));
		assertThat(this.upstreamRequests).hasValue(0);
		assertThat(this.streams.count()).isZero();
		assertThat(this.statistics.refused.sum()).isOne();
	}

	@Test
	void streamWhoseResponseWasCancelledBeforeItStartedLeavesNothingOpen() throws InterruptedException {
		AtomicReference<MonoSink<ResponseEntity<Flux<DataBuffer>>>> sink = new AtomicReference<>();
		Mono.<ResponseEntity<Flux<DataBuffer>>>create(sink::set).subscribe().dispose();
		assertThat(this.streams.admit(this.statistics, -1)).isNull();
		ProxyStream stream = new ProxyStream(options(), report(), this.streams, this.time,
				DeadlineTimer.on(() -> this.time), Clock.systemUTC(), sink.get(), "");
		this.streams.opened(stream);
		assertThat(this.streams.count()).isZero();
		this.streams.shutdown();
		assertThat(this.streams.awaitEnded(Duration.ofSeconds(1))).as("shutdown waits for no stream").isTrue();
		assertThat(this.upstreamRequests).hasValue(0);
	}

	private StreamOptions options() {
		WebClient webClient = WebClient.builder().exchangeFunction((request) -> {
			this.upstreamRequests.incrementAndGet();
			return Mono.<ClientResponse>never();
		}).build();
		// The client is read only to describe an upstream failure, which does not happen
		// here.
		return new StreamOptions(null, webClient, (web) -> web.get().uri("http://upstream/stream"), EventHooks.NONE,
				Duration.ofSeconds(15).toNanos(), 64 * 1024, SlowClientPolicy.BACKPRESSURE,
				Duration.ofSeconds(30).toNanos(), -1, false, SseResumeSettings.DEFAULTS, (error) -> null, List.of(),
				SseLimits.DEFAULTS);
	}

	private StreamReport report() {
		return new StreamReport("test", this.statistics, new SseProxyListener() {
		}, () -> this.time.now(TimeUnit.NANOSECONDS));
	}

}
