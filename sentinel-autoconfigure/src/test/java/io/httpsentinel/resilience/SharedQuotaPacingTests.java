package io.httpsentinel.resilience;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;

import io.httpsentinel.testsupport.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several replicas pacing from the headers of one provider quota they share, on a clock
 * that only moves when told: a discrete-event simulation of {@code ReplicasSimulation}'s
 * setting (replicas offered more than the quota, a provider allowing {@code limit}
 * requests in any sliding second and stating the time until its oldest request leaves the
 * window, a round trip of 2 ms), to show the quota share at work without processes.
 */
class SharedQuotaPacingTests {

	private static final long MILLI = 1_000_000L;

	private static final long SECOND = 1000 * MILLI;

	private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T17:30:00Z"));

	private static final int QUOTA = 50;

	@Test
	void fourReplicasSharingAQuotaMeetTenTimesFewer429sThanWithoutPacingAndUseIt() {
		Outcome unpaced = new Simulation(4, false).run();
		Outcome paced = new Simulation(4, true).run();
		assertThat(unpaced.tooMany).isGreaterThan(2 * unpaced.ok);
		assertThat(paced.tooMany * 10).as("429s paced %s, unpaced %s", paced, unpaced)
			.isLessThanOrEqualTo(unpaced.tooMany);
		assertThat(paced.ok).as("quota used").isGreaterThanOrEqualTo(90 * QUOTA * paced.seconds / 100);
		assertThat(paced.shares).allSatisfy((share) -> assertThat(share).isBetween(0.05, 0.6));
	}

	@Test
	void aReplicaAloneOnItsQuotaUsesAllOfItWithoutMeeting429s() {
		Simulation alone = new Simulation(1, true);
		alone.rate = 80;
		Outcome outcome = alone.run();
		assertThat(outcome.tooMany).as("429s: %s", outcome).isLessThanOrEqualTo(outcome.seconds);
		assertThat(outcome.shares).containsExactly(1.0);
		assertThat(outcome.ok).as("quota used").isGreaterThanOrEqualTo(95 * QUOTA * outcome.seconds / 100);
	}

	@Test
	void aReplicaThatStopsLeavesItsShareToTheOthers() {
		Simulation simulation = new Simulation(4, true);
		simulation.lastStopsAt = 20 * SECOND;
		simulation.measureFrom = 30 * SECOND;
		simulation.end = 45 * SECOND;
		Outcome outcome = simulation.run();
		assertThat(outcome.ok).as("quota used by three: %s", outcome)
			.isGreaterThanOrEqualTo(90 * QUOTA * outcome.seconds / 100);
		assertThat(outcome.tooMany).isLessThan(outcome.ok / 10);
	}

	/**
	 * Replicas offered {@link #rate} requests per second each (Poisson arrivals), paced
	 * or not, with at most 5 s of wait, a millisecond each way to the provider.
	 */
	private final class Simulation {

		private final int replicas;

		private final boolean paced;

		double rate = 40;

		long lastStopsAt = Long.MAX_VALUE;

		long measureFrom = 10 * SECOND;

		long end = 40 * SECOND;

		Simulation(int replicas, boolean paced) {
			this.replicas = replicas;
			this.paced = paced;
		}

		Outcome run() {
			long start = now();
			Provider provider = new Provider(QUOTA);
			List<AdaptivePacer> pacers = new ArrayList<>();
			for (int i = 0; i < this.replicas; i++) {
				pacers.add(new AdaptivePacer(RateLimiter.UNLIMITED,
						new LocalPacingSchedule(SharedQuotaPacingTests.this.clock),
						RateLimitHeaders.of(AdaptivePacingSettings.DEFAULTS), 0.5, SharedQuotaPacingTests.this.clock));
			}
			PriorityQueue<Event> events = new PriorityQueue<>();
			Random random = new Random(42);
			for (int i = 0; i < this.replicas; i++) {
				events.add(new Event(start + (long) (random.nextDouble() * 25 * MILLI), i, Kind.ARRIVAL, 0, null));
			}
			Outcome outcome = new Outcome((int) ((this.end - this.measureFrom) / SECOND));
			while (!events.isEmpty() && events.peek().time <= start + this.end) {
				Event event = events.poll();
				SharedQuotaPacingTests.this.clock.advance(Duration.ofNanos(event.time - now()));
				boolean measured = event.time >= start + this.measureFrom;
				AdaptivePacer pacer = pacers.get(event.replica);
				switch (event.kind) {
					case ARRIVAL -> {
						long next = now() + (long) (-Math.log(1 - random.nextDouble()) * SECOND / this.rate);
						if (event.replica < this.replicas - 1 || next - start < this.lastStopsAt) {
							events.add(new Event(next, event.replica, Kind.ARRIVAL, 0, null));
						}
						long wait = this.paced ? pacer.reserve(5 * SECOND) : 0;
						if (wait != RateLimiter.REFUSED) {
							events.add(new Event(now() + wait + MILLI, event.replica, Kind.AT_PROVIDER, 0, null));
						}
					}
					case AT_PROVIDER -> {
						HttpHeaders headers = new HttpHeaders();
						int status = provider.answer(now(), headers);
						if (measured) {
							outcome.ok += (status == 200) ? 1 : 0;
							outcome.tooMany += (status == 429) ? 1 : 0;
						}
						events.add(new Event(now() + MILLI, event.replica, Kind.RESPONSE, status, headers));
					}
					case RESPONSE -> {
						if (this.paced) {
							pacer.onResponse(event.status, event.headers);
						}
					}
				}
			}
			pacers.forEach((pacer) -> outcome.shares.add(pacer.share()));
			return outcome;
		}

	}

	private long now() {
		return nanos(this.clock.instant());
	}

	private static long nanos(Instant instant) {
		return instant.getEpochSecond() * SECOND + instant.getNano();
	}

	enum Kind {

		ARRIVAL, AT_PROVIDER, RESPONSE

	}

	record Event(long time, int replica, Kind kind, int status, HttpHeaders headers) implements Comparable<Event> {

		@Override
		public int compareTo(Event other) {
			return Long.compare(this.time, other.time);
		}

	}

	/**
	 * What the provider answered over the measured seconds, and each replica's share at
	 * the end.
	 */
	static final class Outcome {

		final int seconds;

		final List<Double> shares = new ArrayList<>();

		long ok;

		long tooMany;

		Outcome(int seconds) {
			this.seconds = seconds;
		}

		@Override
		public String toString() {
			return this.ok + " ok, " + this.tooMany + " 429s in " + this.seconds + " s, shares " + this.shares;
		}

	}

	/**
	 * The provider: {@code limit} requests in any sliding second, OpenAI's headers, the
	 * reset being the time until the oldest request leaves the window.
	 */
	static final class Provider {

		private final int limit;

		private final ArrayDeque<Long> window = new ArrayDeque<>();

		Provider(int limit) {
			this.limit = limit;
		}

		int answer(long now, HttpHeaders headers) {
			while (!this.window.isEmpty() && now - this.window.peekFirst() >= SECOND) {
				this.window.pollFirst();
			}
			boolean allowed = this.window.size() < this.limit;
			if (allowed) {
				this.window.addLast(now);
			}
			long reset = this.window.isEmpty() ? 0 : this.window.peekFirst() + SECOND - now;
			headers.add("x-ratelimit-limit-requests", Integer.toString(this.limit));
			headers.add("x-ratelimit-remaining-requests", Integer.toString(this.limit - this.window.size()));
			headers.add("x-ratelimit-reset-requests",
					(reset >= SECOND) ? (reset / SECOND) + "s" : (reset / MILLI) + "ms");
			return allowed ? 200 : 429;
		}

	}

}
