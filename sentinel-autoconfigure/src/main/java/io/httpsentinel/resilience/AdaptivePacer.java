package io.httpsentinel.resilience;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;

/**
 * Adaptive pacing ({@code rate-limit.adaptive}): a rate limiter that reads the provider's
 * remaining quota and its reset from every response and, once the remaining quota runs
 * low, spreads what is left over the time to the reset instead of spending it and meeting
 * a 429. It decorates the client's configured limiter (or {@link RateLimiter#UNLIMITED}):
 * a request waits for both, and is refused when either would make it wait too long.
 * <ul>
 * <li>No pacing while the requests left are above {@code threshold} x the limit. When the
 * provider does not send its limit, the largest number of requests left seen so far
 * stands for it (the first response of a window shows almost the whole quota).</li>
 * <li>Below that, successive requests go at least (time to the reset / requests left)
 * apart, on a {@link PacingSchedule} (this process's, or one shared by the replicas
 * through Redis); with nothing left, none goes before the reset.</li>
 * <li>Responses lag the requests: each request reserved lowers the count of requests left
 * until a response tells it again, and a response's count is lowered by the requests
 * reserved here and not answered yet (at most those reserved since the previous response,
 * so that requests never answered are forgotten). A response of the same window (its
 * reset within {@value #SAME_WINDOW_MILLIS} ms of the one known) only ever lowers the
 * count, so the answer to a request sent before others never undoes them; a response of a
 * later window replaces it.</li>
 * <li>With nothing left, the first request goes at the reset and the next ones at the
 * quota's pace (window / limit); so do requests once the reset passed with no newer
 * response: at least that much came back, whatever the kind of window.</li>
 * <li>A 429 despite the pacing means others spend the same quota (the other replicas of
 * the service, reading the same headers): from then on this process paces by its
 * {@link QuotaShare}, the part of the provider's count in the window that was its
 * own.</li>
 * </ul>
 * A compare-and-set on the latest quota per response, one atomic increment per request
 * that is not paced (nothing allocated for it); a paced request takes its count and its
 * slot on this process's schedule under one lock, held for a few arithmetic steps.
 */
final class AdaptivePacer implements RateLimiter, AdaptivePacingView {

	/**
	 * Resets closer than this belong to one window (delay headers jitter by rounding).
	 */
	static final long SAME_WINDOW_MILLIS = 1000;

	private static final long SAME_WINDOW_NANOS = SAME_WINDOW_MILLIS * 1_000_000;

	/** Returned by {@link #pacedRemaining} when the request is not paced. */
	private static final long NOT_PACED = Long.MIN_VALUE;

	private static final Mono<Long> NO_WAIT = Mono.just(0L);

	private static final int TOO_MANY_REQUESTS = 429;

	private final RateLimiter delegate;

	private final PacingSchedule schedule;

	private final RateLimitHeaders headers;

	private final double threshold;

	private final Clock clock;

	private final AtomicReference<@Nullable Quota> quota = new AtomicReference<>();

	/** Requests let through since this pacer was made. */
	private final AtomicLong sent = new AtomicLong();

	/** Responses heard since this pacer was made. */
	private final AtomicLong answered = new AtomicLong();

	/** Requests made to wait for their slot. */
	private final AtomicLong paced = new AtomicLong();

	/** Requests refused for a slot beyond the longest wait. */
	private final AtomicLong refused = new AtomicLong();

	/** {@link #sent} when the latest response was heard. */
	private final AtomicLong sentAtLastResponse = new AtomicLong();

	/**
	 * The share of the quota this process spends, less than all once others spend it too
	 * (unless the replicas share the schedule).
	 */
	private final QuotaShare share;

	/** Held to count a paced request and take its slot on a local schedule together. */
	private final Object pacing = new Object();

	private final Consumer<Long> uncountIfRefused = this::uncountIfRefused;

	/**
	 * Create a pacer.
	 * @param delegate the client's configured limiter
	 * @param schedule where the slots are kept
	 * @param headers reads the quota from the responses
	 * @param threshold fraction of the limit at or below which pacing starts
	 * @param clock the wall clock (resets may be dates)
	 */
	AdaptivePacer(RateLimiter delegate, PacingSchedule schedule, RateLimitHeaders headers, double threshold,
			Clock clock) {
		this.delegate = delegate;
		this.schedule = schedule;
		this.share = new QuotaShare(!schedule.isShared());
		this.headers = headers;
		this.threshold = threshold;
		this.clock = clock;
	}

	/**
	 * Pace a client's limiter by its settings.
	 * @param limiter the client's configured limiter
	 * @param settings the client's resolved pacing settings
	 * @param schedule where the slots are kept
	 * @param clock the wall clock
	 * @return the pacer
	 */
	static AdaptivePacer decorate(RateLimiter limiter, AdaptivePacingSettings settings, PacingSchedule schedule,
			Clock clock) {
		Double threshold = settings.orElse(AdaptivePacingSettings.DEFAULTS).threshold();
		return new AdaptivePacer(limiter, schedule, RateLimitHeaders.of(settings),
				(threshold != null) ? threshold : 0.5, clock);
	}

	@Override
	public long reserve(long maxWaitNanos) {
		long paced = pace(maxWaitNanos);
		if (paced == REFUSED) {
			return REFUSED;
		}
		long wait = max(paced, this.delegate.reserve(maxWaitNanos));
		uncountIfRefused(wait);
		return wait;
	}

	/**
	 * Count the request and take its slot on this process's schedule.
	 * @return the wait for the slot (0 when not paced), or {@link #REFUSED} (then the
	 * request is no longer counted)
	 */
	private long pace(long maxWaitNanos) {
		Quota current = this.quota.get();
		if (current != null && pacedRemaining(current, this.sent.get()) != NOT_PACED) {
			// Paced: count and slot under one lock, so that the slots go in the order of
			// the counts. Taken apart, a request counted earlier may take a later slot
			// than one counted after it, and the spread loses a slot before the reset.
			synchronized (this.pacing) {
				return countAndTakeSlot(maxWaitNanos);
			}
		}
		return countAndTakeSlot(maxWaitNanos);
	}

	private long countAndTakeSlot(long maxWaitNanos) {
		// Count the request first: concurrent reservations each see one fewer left.
		long sentBefore = this.sent.getAndIncrement();
		Quota current = this.quota.get();
		long remaining = pacedRemaining(current, sentBefore);
		if (remaining == NOT_PACED) {
			return 0;
		}
		long now = nowNanos();
		long untilReset = current.resetNanos - now;
		long paced = (untilReset > 0)
				? this.share.reserve(this.schedule, untilReset, remaining, current.limit, maxWaitNanos)
				: this.share.reserveAfterReset(this.schedule, current.limit, maxWaitNanos);
		uncountIfRefused(paced);
		countPaced(paced);
		return paced;
	}

	@Override
	public boolean isAsync() {
		return this.delegate.isAsync() || this.schedule.isAsync();
	}

	@Override
	public Mono<Long> reserveAsync(long maxWaitNanos) {
		if (!this.schedule.isAsync()) {
			long paced = pace(maxWaitNanos);
			return (paced != REFUSED) ? reserveDelegate(paced, maxWaitNanos) : Mono.just(REFUSED);
		}
		long sentBefore = this.sent.getAndIncrement();
		Quota current = this.quota.get();
		long remaining = pacedRemaining(current, sentBefore);
		if (remaining == NOT_PACED) {
			return reserveDelegate(0, maxWaitNanos);
		}
		long now = nowNanos();
		long untilReset = current.resetNanos - now;
		Mono<Long> slot = (untilReset > 0)
				? this.share.reserveAsync(this.schedule, untilReset, remaining, current.limit, maxWaitNanos)
				: this.share.reserveAfterResetAsync(this.schedule, current.limit, maxWaitNanos);
		return slot.doOnNext(this::countPaced)
			.flatMap((paced) -> (paced != REFUSED) ? reserveDelegate(paced, maxWaitNanos) : refused());
	}

	/**
	 * Reserve from the configured limiter once pacing granted its slot.
	 */
	private Mono<Long> reserveDelegate(long paced, long maxWaitNanos) {
		if (this.delegate.isAsync()) {
			Mono<Long> wait = this.delegate.reserveAsync(maxWaitNanos)
				.doOnNext(this.uncountIfRefused)
				.doOnError((ex) -> this.sent.decrementAndGet());
			return (paced == 0) ? wait : wait.map((delegated) -> max(paced, delegated));
		}
		long wait = max(paced, this.delegate.reserve(maxWaitNanos));
		uncountIfRefused(wait);
		return (wait == 0) ? NO_WAIT : Mono.just(wait);
	}

	private Mono<Long> refused() {
		this.sent.decrementAndGet();
		return Mono.just(REFUSED);
	}

	private void countPaced(long wait) {
		if (wait == REFUSED) {
			this.refused.incrementAndGet();
		}
		else if (wait > 0) {
			this.paced.incrementAndGet();
		}
	}

	private void uncountIfRefused(long wait) {
		if (wait == REFUSED) {
			this.sent.decrementAndGet();
		}
	}

	private static long max(long paced, long wait) {
		return (wait == REFUSED) ? REFUSED : Math.max(paced, wait);
	}

	/**
	 * The requests left when they are few enough to pace by; reads no clock.
	 * @param current the latest quota
	 * @param sentBefore requests this pacer let through before this one
	 * @return the requests left, this one included (0 or less: none), or
	 * {@link #NOT_PACED}
	 */
	private static long pacedRemaining(@Nullable Quota current, long sentBefore) {
		if (current == null) {
			return NOT_PACED;
		}
		long remaining = current.remaining - Math.max(0, sentBefore - current.sentBefore);
		return (remaining <= current.pacingBound) ? remaining : NOT_PACED;
	}

	/**
	 * Time left until the quota is back; 0 or less once it is (or the headers are stale):
	 * then there is nothing known to pace by.
	 */
	private long untilReset(Quota current) {
		return current.resetNanos - nowNanos();
	}

	@Override
	public void onResponse(int status, HttpHeaders headers) {
		this.delegate.onResponse(status, headers);
		long sent = this.sent.get();
		long answered = this.answered.incrementAndGet();
		long pending = pending(sent, answered);
		long now = nowNanos();
		RateLimitQuota stated = this.headers.read(headers, now);
		boolean tooManyRequests = status == TOO_MANY_REQUESTS;
		if (stated == null || stated.resetNanos() <= now) {
			// Nothing stated, or only about a window already over (a late response).
			this.share.onResponse(now, tooManyRequests, null, 0);
			return;
		}
		while (true) {
			Quota current = this.quota.get();
			Quota next = next(current, stated, pending, now);
			if (this.quota.compareAndSet(current, next)) {
				this.share.onResponse(now, tooManyRequests, stated, next.limit);
				return;
			}
		}
	}

	/**
	 * Requests counted here that the provider had not seen when it answered: reserved and
	 * not answered yet (waiting for their slot, or on their way). Bounded by those
	 * reserved since the previous response, so that requests that never get a response
	 * (connection errors, cancellations) are forgotten.
	 */
	private long pending(long sent, long answered) {
		long sentBefore = this.sentAtLastResponse.getAndSet(sent);
		return Math.max(0, Math.min(sent - answered, sent - sentBefore));
	}

	private Quota next(@Nullable Quota current, RateLimitQuota stated, long pending, long now) {
		long sent = this.sent.get();
		long remaining = stated.remaining() - pending;
		long largest = stated.remaining();
		if (current == null) {
			return quota(remaining, sent, stated.resetNanos(), stated, largest);
		}
		largest = Math.max(largest, current.largestRemaining);
		boolean sameWindow = current.resetNanos > now && stated.resetNanos() <= current.resetNanos + SAME_WINDOW_NANOS;
		if (!sameWindow) {
			return quota(remaining, sent, stated.resetNanos(), stated, largest);
		}
		// Same window: what is left only goes down. Keep the known reset, so that a
		// provider whose reset slides (OpenAI's "time until full") is read anew within
		// a window's tolerance.
		long estimate = current.remaining - (sent - current.sentBefore);
		return quota(Math.min(estimate, remaining), sent, current.resetNanos, stated, largest);
	}

	private Quota quota(long remaining, long sentBefore, long resetNanos, RateLimitQuota stated,
			long largestRemaining) {
		long limit = stated.limitKnown() ? stated.limit() : largestRemaining;
		return new Quota(remaining, sentBefore, resetNanos, largestRemaining, limit,
				(long) Math.floor(this.threshold * limit));
	}

	@Override
	public long estimateWaitNanos() {
		Quota current = this.quota.get();
		long remaining = pacedRemaining(current, this.sent.get());
		long paced = (remaining != NOT_PACED && remaining <= 0)
				? Math.max(0, this.share.untilReset(untilReset(current), current.limit)) : 0;
		return Math.max(paced, this.delegate.estimateWaitNanos());
	}

	@Override
	public long availablePermits() {
		return this.delegate.availablePermits();
	}

	@Override
	public double share() {
		return this.share.value();
	}

	@Override
	public boolean sharedSchedule() {
		return this.schedule.isShared();
	}

	@Override
	public OptionalLong remaining() {
		Quota current = this.quota.get();
		if (current == null || untilReset(current) <= 0) {
			return OptionalLong.empty();
		}
		return OptionalLong.of(current.remaining - Math.max(0, this.sent.get() - current.sentBefore));
	}

	@Override
	public Optional<Instant> reset() {
		Quota current = this.quota.get();
		if (current == null || untilReset(current) <= 0) {
			return Optional.empty();
		}
		return Optional.of(Instant.ofEpochSecond(0, current.resetNanos));
	}

	@Override
	public long pacedRequests() {
		return this.paced.get();
	}

	@Override
	public long refusedRequests() {
		return this.refused.get();
	}

	private long nowNanos() {
		return RateLimitValues.epochNanos(this.clock.instant());
	}

	/**
	 * The quota as the latest response stated it.
	 *
	 * @param remaining requests left when stated
	 * @param sentBefore requests sent by this pacer until then; those sent since count
	 * against {@code remaining}
	 * @param resetNanos when the quota is back, in nanoseconds since the Unix epoch
	 * @param largestRemaining most requests left ever stated
	 * @param limit requests per window as stated, or the most ever left when not stated
	 * @param pacingBound requests left at or below which pacing starts
	 */
	private record Quota(long remaining, long sentBefore, long resetNanos, long largestRemaining, long limit,
			long pacingBound) {
	}

}
