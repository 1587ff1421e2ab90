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
	 * The default, as in Reactor Netty: measured under load on one core, a call cost
	 * about a seventh less CPU than with {@link #LIFO}, with fewer cross-thread wake-ups
	 * of the event loops (docs/benchmarks.md).
	 */
	FIFO

}
