package io.httpsentinel.sse.proxy;

import java.time.Duration;
import java.util.List;

/**
 * Tells several listeners, in order.
 */
final class CompositeSseProxyListener implements SseProxyListener {

	private final List<SseProxyListener> listeners;

	CompositeSseProxyListener(List<SseProxyListener> listeners) {
		this.listeners = List.copyOf(listeners);
	}

	@Override
	public void streamRefused(String client, int status) {
		this.listeners.forEach((listener) -> listener.streamRefused(client, status));
	}

	@Override
	public void streamOpened(String client, Duration timeToOpen) {
		this.listeners.forEach((listener) -> listener.streamOpened(client, timeToOpen));
	}

	@Override
	public void firstEvent(String client, Duration timeToFirstEvent) {
		this.listeners.forEach((listener) -> listener.firstEvent(client, timeToFirstEvent));
	}

	@Override
	public void resume(String client, ResumeOutcome outcome) {
		this.listeners.forEach((listener) -> listener.resume(client, outcome));
	}

	@Override
	public void slowClient(String client, SlowClientAction action) {
		this.listeners.forEach((listener) -> listener.slowClient(client, action));
	}

	@Override
	public void streamClosed(String client, StreamEnd end, Duration duration, long events, long bytes) {
		this.listeners.forEach((listener) -> listener.streamClosed(client, end, duration, events, bytes));
	}

}
