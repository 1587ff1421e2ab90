package io.httpsentinel.testsupport;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * A real HTTP server on 127.0.0.1 and a random port that counts the connections it
 * accepts and the ones that closed. Close it in an {@code @AfterEach}.
 */
public final class LoopbackServer implements AutoCloseable {

	private final AtomicInteger accepted = new AtomicInteger();

	private final AtomicInteger closed = new AtomicInteger();

	private final DisposableServer server;

	private final String scheme;

	private LoopbackServer(HttpServer server, String scheme) {
		this.scheme = scheme;
		this.server = server.host("127.0.0.1").port(0).doOnChannelInit((observer, channel, remoteAddress) -> {
			// Once per TCP connection (doOnConnection would fire once per request).
			this.accepted.incrementAndGet();
			channel.closeFuture().addListener((future) -> {
				synchronized (this.closed) {
					this.closed.incrementAndGet();
					this.closed.notifyAll();
				}
			});
		}).bindNow(Duration.ofSeconds(10));
	}

	public static LoopbackServer start(UnaryOperator<HttpServerRoutes> routes) {
		return new LoopbackServer(HttpServer.create().route(routes::apply), "http");
	}

	/**
	 * Start a server configured by the caller (protocols, TLS).
	 * @param server the server to bind on loopback
	 * @param scheme {@code http} or {@code https}
	 * @return the started server
	 */
	public static LoopbackServer start(HttpServer server, String scheme) {
		return new LoopbackServer(server, scheme);
	}

	public URI baseUrl() {
		return URI.create(this.scheme + "://127.0.0.1:" + this.server.port());
	}

	public URI baseUrl(String host) {
		return URI.create(this.scheme + "://" + host + ":" + this.server.port());
	}

	/**
	 * Connections accepted so far; with HTTP/2, connections, not streams.
	 * @return the count
	 */
	public int acceptedConnections() {
		return this.accepted.get();
	}

	public int closedConnections() {
		return this.closed.get();
	}

	/**
	 * Wait until at least the given number of connections closed.
	 * @param count the number of closed connections to wait for
	 * @param timeout how long to wait at most
	 * @return whether they closed in time
	 * @throws InterruptedException if interrupted
	 */
	public boolean awaitClosedConnections(int count, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.closed) {
			while (this.closed.get() < count) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					return false;
				}
				this.closed.wait(Math.max(1, left / 1_000_000));
			}
			return true;
		}
	}

	public int openConnections() {
		return this.accepted.get() - this.closed.get();
	}

	@Override
	public void close() {
		this.server.disposeNow(Duration.ofSeconds(10));
	}

}
