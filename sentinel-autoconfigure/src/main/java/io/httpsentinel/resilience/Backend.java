package io.httpsentinel.resilience;

import java.net.URI;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.LongAdder;

/**
 * One backend of a client with several, and what outlier detection knows of it: its
 * failures in a row, whether and until when it is ejected or paused, and its counts.
 * Times are wall-clock milliseconds of the client's clock.
 */
final class Backend {

	private static final AtomicIntegerFieldUpdater<Backend> CONSECUTIVE_5XX = AtomicIntegerFieldUpdater
		.newUpdater(Backend.class, "consecutive5xx");

	private static final AtomicIntegerFieldUpdater<Backend> CONSECUTIVE_GATEWAY = AtomicIntegerFieldUpdater
		.newUpdater(Backend.class, "consecutiveGatewayFailures");

	private static final AtomicLongFieldUpdater<Backend> PAUSED_UNTIL = AtomicLongFieldUpdater.newUpdater(Backend.class,
			"pausedUntil");

	final BackendEndpoint endpoint;

	final String address;

	final int weight;

	/** The backend's URL up to its base path, without a trailing slash. */
	final String prefix;

	private volatile int consecutive5xx;

	private volatile int consecutiveGatewayFailures;

	/**
	 * End of the current ejection; 0 when never ejected. Written under the set's lock.
	 */
	volatile long ejectedUntil;

	/**
	 * Whether the engine still counts it ejected (cleared when it notices the return).
	 */
	volatile boolean ejected;

	/**
	 * The ejection multiplier; decays while the backend stays in the choice. Written
	 * under the set's lock, read by monitoring.
	 */
	volatile int timesEjected;

	/** Ejections since the client started; written under the set's lock. */
	volatile long ejections;

	/** End of the pause its Retry-After asked for; 0 when never paused. */
	private volatile long pausedUntil;

	private final LongAdder requests = new LongAdder();

	private final LongAdder failures = new LongAdder();

	/** The most URLs a backend keeps parsed. */
	static final int MAX_KEPT_URLS = 32;

	/**
	 * URLs on this backend by the path below the base, parsed once: parsing a URI is most
	 * of what choosing a backend costs an attempt (about 400 bytes and several hundred
	 * nanoseconds, against well under 100 for the rest), and a client calls a few paths
	 * over and over.
	 */
	private final ConcurrentHashMap<String, URI> urls = new ConcurrentHashMap<>();

	Backend(BackendEndpoint endpoint) {
		this.endpoint = endpoint;
		this.address = endpoint.address();
		this.weight = endpoint.weight();
		this.prefix = prefix(endpoint.url());
	}

	private static String prefix(URI url) {
		String path = (url.getRawPath() != null) ? url.getRawPath() : "";
		if (path.endsWith("/")) {
			path = path.substring(0, path.length() - 1);
		}
		return url.getScheme() + "://" + url.getRawAuthority() + path;
	}

	/**
	 * The URL of a request on this backend. Kept for the next attempts on the same path
	 * when it has no query or fragment (a query may hold a secret, and makes the set of
	 * URLs unbounded), up to {@link #MAX_KEPT_URLS} paths; parsed each time otherwise.
	 * @param rest the request's path and query below the client's base URL
	 * @return the URL
	 */
	URI url(String rest) {
		URI url = this.urls.get(rest);
		if (url == null) {
			url = URI.create(this.prefix.concat(rest));
			if (this.urls.size() < MAX_KEPT_URLS && rest.indexOf('?') < 0 && rest.indexOf('#') < 0) {
				this.urls.putIfAbsent(rest, url);
			}
		}
		return url;
	}

	/**
	 * Whether it may be chosen at this time: neither ejected nor paused.
	 */
	boolean available(long now) {
		return this.ejectedUntil <= now && this.pausedUntil <= now;
	}

	boolean paused(long now) {
		return this.pausedUntil > now;
	}

	long pausedUntil() {
		return this.pausedUntil;
	}

	void pauseUntil(long until) {
		// An earlier end never shortens a pause; races only lose to a later end.
		long current;
		while ((current = this.pausedUntil) < until) {
			if (PAUSED_UNTIL.compareAndSet(this, current, until)) {
				return;
			}
		}
	}

	/** An attempt it answered, or failed without an answer. */
	void counted() {
		this.requests.increment();
	}

	/**
	 * A response that says nothing against its health (below 500; a 429 is quota, not
	 * health): the failures in a row start again.
	 */
	void succeeded() {
		// Read first: under load most responses are successes, and a write each would
		// make the line bounce between cores.
		if (this.consecutive5xx != 0) {
			this.consecutive5xx = 0;
		}
		if (this.consecutiveGatewayFailures != 0) {
			this.consecutiveGatewayFailures = 0;
		}
	}

	/**
	 * A 5xx or a failure without a response.
	 * @param gateway whether it is a gateway failure (502, 503, 504, connect error,
	 * reset, timeout)
	 * @param settings the thresholds
	 * @return whether a threshold is reached
	 */
	boolean failed(boolean gateway, OutlierDetectionSettings settings) {
		this.failures.increment();
		int in5xx = CONSECUTIVE_5XX.incrementAndGet(this);
		int inGateway = gateway ? CONSECUTIVE_GATEWAY.incrementAndGet(this) : this.consecutiveGatewayFailures;
		return in5xx >= settings.consecutive5xx() || inGateway >= settings.consecutiveGatewayFailures();
	}

	/** Start counting failures in a row again (after an ejection). */
	void resetFailures() {
		this.consecutive5xx = 0;
		this.consecutiveGatewayFailures = 0;
	}

	BackendView view(long now) {
		boolean out = this.ejectedUntil > now;
		return new BackendView(this.address, this.weight, out, out ? Instant.ofEpochMilli(this.ejectedUntil) : null,
				this.timesEjected, this.ejections, Math.max(this.consecutive5xx, this.consecutiveGatewayFailures),
				this.requests.sum(), this.failures.sum(),
				(this.pausedUntil > now) ? Instant.ofEpochMilli(this.pausedUntil) : null);
	}

	@Override
	public String toString() {
		return this.address;
	}

}
