package io.httpsentinel.chaos;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLongArray;

import org.jspecify.annotations.Nullable;

/**
 * Which fault {@link FaultInjectingProxy} injects next: each fault at its own rate, drawn
 * independently for every new connection (connection faults) or every request (request
 * faults), or forced for the next one, as a unit test needs. Counts what it injected.
 * Thread-safe.
 */
final class FaultPlan {

	/** Replaced whole on a change, so that the proxy's threads see a change at once. */
	private volatile double[] rates = new double[Fault.values().length];

	private final Queue<Fault> forcedConnections = new ConcurrentLinkedQueue<>();

	private final Queue<Fault> forcedRequests = new ConcurrentLinkedQueue<>();

	private final AtomicLongArray injected = new AtomicLongArray(Fault.values().length);

	private FaultPlan() {
	}

	/**
	 * A plan that injects nothing unless forced.
	 * @return the plan
	 */
	static FaultPlan none() {
		return new FaultPlan();
	}

	/**
	 * A plan that spreads a total rate evenly over the given faults: of connections for
	 * connection faults, of requests for request faults.
	 * @param total the rate summed over the faults, e.g. {@code 0.1}
	 * @param faults the faults
	 * @return the plan
	 */
	static FaultPlan evenly(double total, List<Fault> faults) {
		FaultPlan plan = new FaultPlan();
		faults.forEach((fault) -> plan.rate(fault, total / faults.size()));
		return plan;
	}

	/**
	 * Set the rate of one fault.
	 * @param fault the fault
	 * @param rate the probability per connection or per request
	 * @return this plan
	 */
	FaultPlan rate(Fault fault, double rate) {
		double[] rates = this.rates.clone();
		rates[fault.ordinal()] = rate;
		this.rates = rates;
		return this;
	}

	/**
	 * Take the rates of another plan (e.g. to start injecting after a warm-up).
	 * @param other the plan whose rates to take
	 * @return this plan
	 */
	FaultPlan ratesOf(FaultPlan other) {
		this.rates = other.rates.clone();
		return this;
	}

	/**
	 * Inject a fault into the next connection or the next request, whatever the rates.
	 * @param fault the fault
	 */
	void force(Fault fault) {
		(fault.connectionLevel() ? this.forcedConnections : this.forcedRequests).add(fault);
	}

	@Nullable Fault nextConnection() {
		return next(this.forcedConnections, true);
	}

	@Nullable Fault nextRequest() {
		return next(this.forcedRequests, false);
	}

	private @Nullable Fault next(Queue<Fault> forced, boolean connectionLevel) {
		Fault fault = forced.poll();
		if (fault == null) {
			fault = drawn(connectionLevel);
		}
		if (fault != null) {
			this.injected.incrementAndGet(fault.ordinal());
		}
		return fault;
	}

	private @Nullable Fault drawn(boolean connectionLevel) {
		double draw = ThreadLocalRandom.current().nextDouble();
		double[] rates = this.rates;
		for (Fault fault : Fault.values()) {
			if (fault.connectionLevel() == connectionLevel) {
				draw -= rates[fault.ordinal()];
				if (draw < 0) {
					return fault;
				}
			}
		}
		return null;
	}

	/**
	 * How many times each fault was injected so far.
	 * @return the counts, of the faults injected at least once
	 */
	Map<Fault, Long> injected() {
		Map<Fault, Long> counts = new EnumMap<>(Fault.class);
		for (Fault fault : Fault.values()) {
			long count = this.injected.get(fault.ordinal());
			if (count > 0) {
				counts.put(fault, count);
			}
		}
		return counts;
	}

	/**
	 * Faults with a rate above 0.
	 * @return the faults
	 */
	List<Fault> planned() {
		List<Fault> planned = new ArrayList<>();
		double[] rates = this.rates;
		for (Fault fault : Fault.values()) {
			if (rates[fault.ordinal()] > 0) {
				planned.add(fault);
			}
		}
		return planned;
	}

}
