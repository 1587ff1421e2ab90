package io.httpsentinel.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;

import io.httpsentinel.sse.proxy.SseProxy;

/**
 * Ends the proxy's open streams when the application shuts down, before the web server
 * stops accepting requests and waits for the running ones (graceful shutdown): a stream
 * would otherwise never end by itself, and the server would wait for it until its
 * timeout. New streams are refused with 503 from then on.
 */
final class SseProxyShutdown implements SmartLifecycle {

	/**
	 * Stops before the web server's graceful shutdown
	 * ({@code WebServerGracefulShutdownLifecycle}, {@code Integer.MAX_VALUE - 1024}).
	 */
	static final int PHASE = Integer.MAX_VALUE - 512;

	private final ObjectProvider<SseProxy> sseProxy;

	private volatile boolean running;

	SseProxyShutdown(ObjectProvider<SseProxy> sseProxy) {
		this.sseProxy = sseProxy;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		// Streams complete once what they hold is written; the server's graceful
		// shutdown waits for those responses like for any other.
		this.sseProxy.ifAvailable(SseProxy::shutdown);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
