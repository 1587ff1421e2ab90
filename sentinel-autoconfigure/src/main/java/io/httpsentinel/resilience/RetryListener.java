package io.httpsentinel.resilience;

import java.util.Map;
import java.util.function.Consumer;

/**
 * Told about every attempt of a call: its outcome and the decision taken after it (retry
 * after a delay, or stop, with the reason). Declare one as a bean to hear about every
 * call of every client ({@link #forClient(String, RetryListener)} narrows it to one
 * client), or attach one to a single call with {@link #forCall(RetryListener)}:
 * <pre>{@code
 * client.webClient().get().uri("/models").attributes(RetryListener.forCall(event -> log.info(event)))...
 * }</pre> Listeners run on the thread that completed the attempt: keep them quick and
 * never block.
 */
@FunctionalInterface
public interface RetryListener {

	/**
	 * Request attribute holding a per-call listener.
	 */
	String ATTRIBUTE = RetryListener.class.getName();

	/**
	 * Called after each attempt.
	 * @param event the attempt and the decision
	 */
	void onAttempt(AttemptEvent event);

	/**
	 * Return a listener that hears only about the calls of one client.
	 * @param clientName the client
	 * @param listener the listener
	 * @return a listener restricted to that client
	 */
	static RetryListener forClient(String clientName, RetryListener listener) {
		return (event) -> {
			if (clientName.equals(event.clientName())) {
				listener.onAttempt(event);
			}
		};
	}

	/**
	 * Request attributes that attach a listener to one call.
	 * @param listener the listener
	 * @return a consumer for {@code WebClient.RequestHeadersSpec.attributes}
	 */
	static Consumer<Map<String, Object>> forCall(RetryListener listener) {
		return (attributes) -> attributes.put(ATTRIBUTE, listener);
	}

}
