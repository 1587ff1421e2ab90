package io.httpsentinel.resilience;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The backends of a client with several, and the choice among them per attempt: weighted
 * round robin over those neither ejected nor paused, skipping those the call already
 * tried; and outlier ejection after Envoy's model: failures in a row take a backend out
 * for {@code base-ejection-time} x the times it was ejected (capped), never more than
 * {@code max-ejection-percent} of the backends at once. A backend comes back by itself
 * when its time is over.
 * <p>
 * The choice costs one atomic increment and a walk over the weights while every backend
 * is in; the clock is read only while one may be out.
 */
final class Backends implements BackendsView {

	private static final Log logger = LogFactory.getLog(Backends.class);

	private static final BackendSet EMPTY = new BackendSet(new Backend[0]);

	private final String clientName;

	private final BaseUrl base;

	private final BackendSource source;

	private final OutlierDetectionSettings outlier;

	private final long baseEjectionMillis;

	private final long maxEjectionMillis;

	private final boolean pausePerBackend;

	private final Clock clock;

	private final List<BackendListener> listeners = new CopyOnWriteArrayList<>();

	private final AtomicLong tickets = new AtomicLong();

	private volatile BackendSet set = EMPTY;

	/**
	 * Whether a backend may be ejected or paused: only then does the choice read the
	 * clock.
	 */
	private volatile boolean someOut;

	private volatile @Nullable Disposable discovery;

	/** Whether the source gave a first list. */
	private volatile boolean resolved;

	/** Completes when the source gave its first list. */
	private final Sinks.Empty<Void> firstList = Sinks.empty();

	/**
	 * Backends of a client.
	 * @param clientName the client name
	 * @param baseUrl the client's logical base URL: requests under it go to the backends;
	 * the base path of an {@code lb://} URL is kept, that of fixed endpoints replaced by
	 * each endpoint's own
	 * @param source where the backends come from
	 * @param settings the client's resolved backend settings
	 * @param clock the wall clock ejections and pauses are timed on
	 */
	Backends(String clientName, URI baseUrl, BackendSource source, BackendSettings settings, Clock clock) {
		this.clientName = clientName;
		this.base = new BaseUrl(baseUrl, BackendSettings.isServiceUrl(baseUrl));
		this.source = source;
		this.outlier = settings.outlierDetection();
		this.baseEjectionMillis = this.outlier.baseEjectionTime().toMillis();
		this.maxEjectionMillis = this.outlier.maxEjectionTime().toMillis();
		this.pausePerBackend = settings.pauseScope() != PauseScope.CLIENT;
		this.clock = clock;
	}

	/**
	 * Start following the source: fixed backends are known when this returns.
	 * @return this
	 */
	Backends start() {
		this.discovery = this.source.endpoints()
			.subscribe(this::update,
					(error) -> logger.warn("Sentinel client '" + this.clientName + "': finding its backends ("
							+ this.source.description() + ") failed; keeping the last ones", error));
		return this;
	}

	/**
	 * Stop following the source.
	 */
	void close() {
		Disposable running = this.discovery;
		if (running != null) {
			running.dispose();
		}
	}

	/**
	 * Replace the set of backends, keeping the state of those that stay.
	 */
	void update(List<BackendEndpoint> endpoints) {
		List<String> addresses = new ArrayList<>(endpoints.size());
		synchronized (this) {
			Map<BackendEndpoint, Backend> known = new HashMap<>();
			for (Backend backend : this.set.backends) {
				known.put(backend.endpoint, backend);
			}
			Backend[] backends = new Backend[endpoints.size()];
			for (int i = 0; i < backends.length; i++) {
				Backend existing = known.get(endpoints.get(i));
				backends[i] = (existing != null) ? existing : new Backend(endpoints.get(i));
				addresses.add(backends[i].address);
			}
			this.set = new BackendSet(backends);
			this.someOut = true;
		}
		if (!this.resolved) {
			this.resolved = true;
			this.firstList.tryEmitEmpty();
		}
		if (logger.isInfoEnabled()) {
			logger.info("Sentinel client '" + this.clientName + "': backends " + addresses + " ("
					+ this.source.description() + ")");
		}
		for (BackendListener listener : this.listeners) {
			listener.backendsChanged(addresses);
		}
	}

	/**
	 * Whether the source gave its first list (fixed backends: from the start).
	 * @return {@code true} once the backends are known
	 */
	boolean resolved() {
		return this.resolved;
	}

	/**
	 * Wait for the source's first list: a call made while discovery has not answered yet
	 * waits for it rather than failing.
	 * @param timeout the longest wait
	 * @return completes when the backends are known, or fails with
	 * {@link NoBackendAvailableException} after the timeout
	 */
	Mono<Void> whenResolved(Duration timeout) {
		return this.firstList.asMono()
			.timeout(timeout, Mono
				.error(() -> new NoBackendAvailableException(this.clientName, this.source.description(), timeout)));
	}

	/**
	 * The part of a request URL below the client's base URL, to be put after a backend's
	 * own base.
	 * @param url the request URL
	 * @return the rest (path below the base path, query), or {@code null} when the URL is
	 * not under the base URL (then it goes where it says, and no backend is chosen)
	 */
	@Nullable String pathUnderBase(URI url) {
		return this.base.rest(url);
	}

	/**
	 * The URL of an attempt on a backend.
	 * @param backend the backend
	 * @param rest what {@link #pathUnderBase} gave
	 * @return the URL
	 */
	static URI urlOn(Backend backend, String rest) {
		return backend.url(rest);
	}

	/**
	 * Choose the backend of an attempt.
	 * @param tried the backends the call tried, the last one last (may hold {@code null}s
	 * past {@code triedCount})
	 * @param triedCount how many it tried
	 * @return the backend
	 * @throws NoBackendAvailableException when discovery found none
	 * @throws HostPausedException when every backend asked for a pause
	 */
	Backend choose(Backend @Nullable [] tried, int triedCount) {
		BackendSet current = this.set;
		if (current.backends.length == 0) {
			throw new NoBackendAvailableException(this.clientName, this.source.description());
		}
		long ticket = this.tickets.getAndIncrement() & Long.MAX_VALUE;
		if (!this.someOut && triedCount == 0) {
			return current.pick(ticket);
		}
		return chooseAmongSome(current, ticket, tried, triedCount);
	}

	private Backend chooseAmongSome(BackendSet current, long ticket, Backend @Nullable [] tried, int triedCount) {
		long now = this.clock.millis();
		noticeReturns(current, now);
		Backend last = (triedCount > 0 && tried != null) ? tried[triedCount - 1] : null;
		// Rungs, best first: in and untried; in, but not the one that just failed; in
		// (the one that just failed is the only one left); ejected but not paused (every
		// backend is ejected: trying one beats failing the call).
		Backend chosen = current.pick(ticket, now, Rung.UNTRIED, tried, triedCount, last);
		if (chosen == null) {
			chosen = current.pick(ticket, now, Rung.NOT_LAST, tried, triedCount, last);
		}
		if (chosen == null) {
			chosen = current.pick(ticket, now, Rung.AVAILABLE, tried, triedCount, last);
		}
		if (chosen == null) {
			chosen = current.pick(ticket, now, Rung.NOT_PAUSED, tried, triedCount, last);
		}
		if (chosen == null) {
			throw new HostPausedException(this.clientName, Instant.ofEpochMilli(current.earliestPauseEnd()));
		}
		return chosen;
	}

	/**
	 * Tell the listeners of the backends whose ejection is over, and stop reading the
	 * clock once none is out.
	 */
	private void noticeReturns(BackendSet current, long now) {
		boolean out = false;
		for (Backend backend : current.backends) {
			if (backend.ejected && backend.ejectedUntil <= now) {
				returned(backend);
			}
			out |= !backend.available(now);
		}
		if (!out) {
			this.someOut = false;
		}
	}

	private void returned(Backend backend) {
		synchronized (this) {
			if (!backend.ejected) {
				return;
			}
			backend.ejected = false;
		}
		logger.info("Sentinel client '" + this.clientName + "': backend " + backend.address
				+ " is back in the choice after its ejection");
		for (BackendListener listener : this.listeners) {
			listener.returned(backend.address);
		}
	}

	/**
	 * An attempt on a backend got a response.
	 * @param backend the backend
	 * @param status the response status
	 */
	void onResponse(Backend backend, int status) {
		backend.counted();
		if (status < 500) {
			backend.succeeded();
			return;
		}
		failed(backend, status == 502 || status == 503 || status == 504);
	}

	/**
	 * An attempt on a backend failed without a response, or its body broke off.
	 * @param backend the backend
	 * @param kind what went wrong
	 */
	void onError(Backend backend, FailureKind kind) {
		if (isGatewayFailure(kind)) {
			backend.counted();
			failed(backend, true);
		}
	}

	/**
	 * Failures that say something about the backend: it could not be reached, it reset
	 * the connection, it did not answer in time. Not what was refused before reaching it
	 * (the breaker, the pool) and not what Sentinel cannot tell (a certificate error).
	 */
	private static boolean isGatewayFailure(FailureKind kind) {
		return switch (kind) {
			case CONNECT, TLS_HANDSHAKE_TIMEOUT, RESET_BEFORE_RESPONSE, RESPONSE_HEADERS_TIMEOUT, INVALID_RESPONSE,
					RESET_DURING_BODY, READ_IDLE_TIMEOUT ->
				true;
			default -> false;
		};
	}

	private void failed(Backend backend, boolean gateway) {
		if (backend.failed(gateway, this.outlier) && this.outlier.isEnabled()) {
			eject(backend);
		}
	}

	private void eject(Backend backend) {
		long now = this.clock.millis();
		long until;
		int times;
		synchronized (this) {
			BackendSet current = this.set;
			if (backend.ejectedUntil > now || !current.contains(backend)
					|| current.ejectedAt(now) >= maxEjected(current.backends.length)) {
				// Already out, gone, or the cap holds: it stays in and keeps counting.
				return;
			}
			if (backend.timesEjected > 0) {
				// The multiplier decays by one per base ejection time spent back in.
				long back = Math.max(0, now - backend.ejectedUntil);
				backend.timesEjected = (int) Math.max(0, backend.timesEjected - back / this.baseEjectionMillis);
			}
			times = ++backend.timesEjected;
			until = now + Math.min(this.baseEjectionMillis * times, this.maxEjectionMillis);
			backend.ejectedUntil = until;
			backend.ejected = true;
			backend.ejections++;
			backend.resetFailures();
			this.someOut = true;
		}
		Instant end = Instant.ofEpochMilli(until);
		logger.warn("Sentinel client '" + this.clientName + "': backend " + backend.address + " ejected until " + end
				+ " after failures in a row (ejection " + times + ")");
		for (BackendListener listener : this.listeners) {
			listener.ejected(backend.address, end, times);
		}
	}

	/**
	 * The most backends out at once: {@code max-ejection-percent} of them, at least one
	 * when there are two or more; never the only one (the breaker covers a client whose
	 * one backend fails).
	 */
	int maxEjected(int backends) {
		int percent = this.outlier.maxEjectionPercent();
		if (percent == 0 || backends < 2) {
			return 0;
		}
		return Math.max(1, backends * percent / 100);
	}

	/**
	 * Whether a long {@code Retry-After} pauses only the backend that sent it.
	 * @return {@code true} for {@code pause-scope: backend}
	 */
	boolean pausesPerBackend() {
		return this.pausePerBackend;
	}

	/**
	 * Pause one backend.
	 * @param backend the backend
	 * @param until end of the pause
	 */
	void pause(Backend backend, Instant until) {
		backend.pauseUntil(until.toEpochMilli());
		this.someOut = true;
	}

	/**
	 * Whether a backend other than this one may take a retry now.
	 * @param backend the backend that answered
	 * @return {@code true} when another is neither ejected nor paused
	 */
	boolean hasOtherAvailable(Backend backend) {
		long now = this.clock.millis();
		for (Backend other : this.set.backends) {
			if (other != backend && other.available(now)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The backends now.
	 * @return them, in their order
	 */
	Backend[] current() {
		return this.set.backends.clone();
	}

	/**
	 * Whether a backend the call has not tried may take a retry now.
	 * @param tried the backends the call tried
	 * @param triedCount how many
	 * @return {@code true} when one is neither ejected, paused nor tried
	 */
	boolean hasUntriedAvailable(Backend[] tried, int triedCount) {
		long now = this.clock.millis();
		for (Backend backend : this.set.backends) {
			if (backend.available(now) && !BackendSet.contains(tried, triedCount, backend)) {
				return true;
			}
		}
		return false;
	}

	@Override
	public String source() {
		return this.source.description();
	}

	@Override
	public List<BackendView> backends() {
		long now = this.clock.millis();
		Backend[] backends = this.set.backends;
		List<BackendView> views = new ArrayList<>(backends.length);
		for (Backend backend : backends) {
			views.add(backend.view(now));
		}
		return views;
	}

	@Override
	public void addListener(BackendListener listener) {
		this.listeners.add(listener);
	}

	/** Which backends a rung of the choice admits. */
	private enum Rung {

		UNTRIED, NOT_LAST, AVAILABLE, NOT_PAUSED

	}

	/**
	 * One set of backends as discovery or configuration gave it, with its weights summed
	 * up for the choice while every backend is in.
	 */
	private static final class BackendSet {

		final Backend[] backends;

		/** Sum of the weights of backends 0..i. */
		private final long[] cumulative;

		BackendSet(Backend[] backends) {
			this.backends = backends;
			this.cumulative = new long[backends.length];
			long sum = 0;
			for (int i = 0; i < backends.length; i++) {
				sum += backends[i].weight;
				this.cumulative[i] = sum;
			}
		}

		/** The choice while every backend is in and nothing was tried. */
		Backend pick(long ticket) {
			long[] cumulative = this.cumulative;
			long slot = ticket % cumulative[cumulative.length - 1];
			int i = 0;
			while (cumulative[i] <= slot) {
				i++;
			}
			return this.backends[i];
		}

		@Nullable Backend pick(long ticket, long now, Rung rung, Backend @Nullable [] tried, int triedCount,
				@Nullable Backend last) {
			long total = 0;
			for (Backend backend : this.backends) {
				if (admits(rung, backend, now, tried, triedCount, last)) {
					total += backend.weight;
				}
			}
			if (total == 0) {
				return null;
			}
			long slot = ticket % total;
			for (Backend backend : this.backends) {
				if (admits(rung, backend, now, tried, triedCount, last)) {
					slot -= backend.weight;
					if (slot < 0) {
						return backend;
					}
				}
			}
			return null;
		}

		private static boolean admits(Rung rung, Backend backend, long now, Backend @Nullable [] tried, int triedCount,
				@Nullable Backend last) {
			return switch (rung) {
				case UNTRIED -> backend.available(now) && !contains(tried, triedCount, backend);
				case NOT_LAST -> backend.available(now) && backend != last;
				case AVAILABLE -> backend.available(now);
				case NOT_PAUSED -> !backend.paused(now);
			};
		}

		private static boolean contains(Backend @Nullable [] tried, int triedCount, Backend backend) {
			for (int i = 0; i < triedCount; i++) {
				if (tried[i] == backend) {
					return true;
				}
			}
			return false;
		}

		boolean contains(Backend backend) {
			for (Backend known : this.backends) {
				if (known == backend) {
					return true;
				}
			}
			return false;
		}

		int ejectedAt(long now) {
			int ejected = 0;
			for (Backend backend : this.backends) {
				if (backend.ejectedUntil > now) {
					ejected++;
				}
			}
			return ejected;
		}

		long earliestPauseEnd() {
			long earliest = Long.MAX_VALUE;
			for (Backend backend : this.backends) {
				earliest = Math.min(earliest, backend.pausedUntil());
			}
			return earliest;
		}

	}

	/**
	 * The client's logical base URL, and how a request URL is found under it.
	 */
	private static final class BaseUrl {

		private final String prefix;

		private final String scheme;

		private final String host;

		private final int port;

		private final String path;

		/**
		 * @param url the base URL
		 * @param keepPath whether its path stays in the request's (a service's instances
		 * have no base path of their own)
		 */
		BaseUrl(URI url, boolean keepPath) {
			this.scheme = url.getScheme().toLowerCase(Locale.ROOT);
			this.host = url.getHost();
			this.port = port(url);
			String rawPath = (url.getRawPath() != null && !keepPath) ? url.getRawPath() : "";
			this.path = rawPath.endsWith("/") ? rawPath.substring(0, rawPath.length() - 1) : rawPath;
			this.prefix = url.getScheme() + "://" + url.getRawAuthority() + this.path;
		}

		private static int port(URI url) {
			if (url.getPort() != -1) {
				return url.getPort();
			}
			return "https".equalsIgnoreCase(url.getScheme()) ? 443
					: ("http".equalsIgnoreCase(url.getScheme()) ? 80 : -1);
		}

		@Nullable String rest(URI url) {
			String text = url.toString();
			// The usual case: the URL was made from the base URL's own text.
			if (text.regionMatches(true, 0, this.prefix, 0, this.prefix.length())
					&& isBoundary(text, this.prefix.length())) {
				return text.substring(this.prefix.length());
			}
			if (url.getScheme() == null || !this.scheme.equalsIgnoreCase(url.getScheme())
					|| !this.host.equalsIgnoreCase(String.valueOf(url.getHost())) || this.port != port(url)) {
				return null;
			}
			String rawPath = (url.getRawPath() != null) ? url.getRawPath() : "";
			if (!rawPath.startsWith(this.path) || !isBoundary(rawPath, this.path.length())) {
				return null;
			}
			String query = (url.getRawQuery() != null) ? "?" + url.getRawQuery() : "";
			return rawPath.substring(this.path.length()) + query;
		}

		private static boolean isBoundary(String text, int index) {
			if (index == text.length()) {
				return true;
			}
			char next = text.charAt(index);
			return next == '/' || next == '?' || next == '#';
		}

	}

}
