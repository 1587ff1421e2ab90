package io.httpsentinel.sse.proxy;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;

import static io.httpsentinel.sse.proxy.ProxyApp.eventStream;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A WebFlux endpoint that forwards without {@code produces = text/event-stream}: a client
 * whose {@code Accept} rules the stream out gets a 406 after the handler forwarded. The
 * stream ends at once (its permit and upstream connection are not held until the body's
 * subscribe timeout), and the upstream's first chunk, already relayed and held for a body
 * never subscribed, is released (Netty's leak detector at {@code PARANOID}, pooled
 * upstream buffers).
 */
class SseProxyNotAcceptableTests {

	private static final int REQUESTS = 5;

	private static final LeakDetection leaks = new LeakDetection();

	@BeforeAll
	static void paranoid() {
		leaks.start();
	}

	@AfterAll
	static void restore() {
		leaks.stop();
	}

	@ParameterizedTest
	@ValueSource(strings = { ";;,/x/y/;q=abc,,", "text/event-stream;q=0, garbage//" })
	void aStreamAnsweredWith406EndsAtOnceAndReleasesItsFirstChunk(String accept) throws Exception {
		try (ProxyApp app = ProxyApp.builder().upstreamAllocator(PooledByteBufAllocator.DEFAULT).start()) {
			// The first chunk is sent with the head; the connection stays open after it,
			// until the proxy closes it.
			CountDownLatch upstreamClosed = new CountDownLatch(REQUESTS);
			app.upstream(eventStream(Flux.concat(Flux.just("id: 1\ndata: first\n\n"),
					Flux.<String>never().doOnCancel(upstreamClosed::countDown))));
			URI plain = app.url().resolve("/plain");
			for (int i = 0; i < REQUESTS; i++) {
				try (Downstream downstream = Downstream.get(plain, "Accept", accept)) {
					assertThat(downstream.status()).isEqualTo(406);
				}
			}
			assertThat(app.proxy().awaitStreamsEnded(Duration.ofSeconds(10))).as("streams ended within 10 s").isTrue();
			assertThat(upstreamClosed.await(10, TimeUnit.SECONDS)).as("upstream connections closed within 10 s")
				.isTrue();
		}
		leaks.assertNoLeaks();
	}

}
