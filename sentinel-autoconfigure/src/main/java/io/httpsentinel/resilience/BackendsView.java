package io.httpsentinel.resilience;

import java.util.List;

/**
 * The backends of a client with several, as monitoring sees them.
 */
public interface BackendsView {

	/**
	 * How the backends are found: {@code endpoints}, or the {@code lb://} URL of the
	 * service Spring Cloud LoadBalancer resolves.
	 * @return the description
	 */
	String source();

	/**
	 * The backends now, in the order they are known.
	 * @return their state (empty before discovery found any)
	 */
	List<BackendView> backends();

	/**
	 * Be told of changes from now on.
	 * @param listener the listener
	 */
	void addListener(BackendListener listener);

}
