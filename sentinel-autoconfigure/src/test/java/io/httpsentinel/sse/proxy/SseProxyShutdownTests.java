package io.httpsentinel.sse.proxy;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static io.httpsentinel.sse.proxy.ProxyApp.eventStream;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Open streams at application shutdown.
 */
class SseProxyShutdownTests {

	private ProxyApp app;

	@AfterEach
	void stop() {
		if (this.app != null) {
			this.app.close();
		}
	}

	@Test
	void gracefulShutdownEndsOpenStreamsCleanlyInsteadOfWaitingForThem() throws Exception {
		this.app = ProxyApp.builder()
			.properties("server.shutdown=graceful", "spring.lifecycle.timeout-per-shutdown-phase=30s",
					"sentinel.sse.shutdown-retry=2s")
			.start()
			.upstream(eventStream(Flux.concat(Mono.just("id: 1\ndata: a\n\n"), Flux.never())));
		try (Downstream downstream = Downstream.get(this.app.url())) {
			downstream.awaitContains("data: a\n\n");
			long started = System.nanoTime();
			this.app.context().close();
			assertThat(Duration.ofNanos(System.nanoTime() - started)).as("shutdown time")
				.isLessThan(Duration.ofSeconds(10));
			assertThat(downstream.awaitEnd()).as("the stream completed normally").isNull();
			assertThat(downstream.text()).isEqualTo(":\n\nid: 1\ndata: a\n\nretry: 2000\n\n");
		}
		assertThat(this.app.upstream.awaitClosedConnections(1, Downstream.TIMEOUT)).isTrue();
	}

	@Test
	void aStreamWaitingForItsUpstreamAtShutdownIsAnswered503() throws Exception {
		this.app = ProxyApp.start().upstream((request, response) -> Mono.never());
		try (Downstream downstream = Downstream.get(this.app.url())) {
			awaitUpstreamRequest();
			this.app.proxy().shutdown();
			assertThat(downstream.status()).isEqualTo(503);
			assertThat(downstream.headers().get("Retry-After")).isEqualTo("1");
		}
		assertThat(this.app.proxy().awaitStreamsEnded(Downstream.TIMEOUT)).isTrue();
	}

	@Test
	void aStreamAskedForAfterShutdownBeganIsRefusedWithoutContactingTheUpstream() throws Exception {
		this.app = ProxyApp.start().upstream(eventStream("data: a\n\n"));
		this.app.proxy().shutdown();
		try (Downstream downstream = Downstream.get(this.app.url())) {
			assertThat(downstream.status()).isEqualTo(503);
		}
		assertThat(this.app.upstreamRequests).hasValue(0);
	}

	private void awaitUpstreamRequest() throws InterruptedException {
		long deadline = System.nanoTime() + Downstream.TIMEOUT.toNanos();
		while (this.app.upstreamRequests.get() == 0 && System.nanoTime() < deadline) {
			this.app.upstream.awaitClosedConnections(1, Duration.ofMillis(20));
		}
		assertThat(this.app.upstreamRequests).hasValue(1);
	}

}
