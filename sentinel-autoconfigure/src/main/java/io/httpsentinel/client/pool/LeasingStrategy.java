package io.httpsentinel.client.pool;

/**
 * Order in which idle pooled connections are handed out.
 */
public enum LeasingStrategy {

	/**
	 * Most recently used connection first: keeps a small hot set of connections and lets
	 * the rest idle out, which suits bursty traffic to a single host.
	 */
	LIFO,

	/**
	 * Least recently used connection first: spreads requests over all pooled connections.
	 * The default: under load it costs less CPU per call than {@link #LIFO}, whose most
	 * recently released connection is more often served by another event loop than the
	 * calling one, so the call crosses threads.
	 */
	FIFO

}
