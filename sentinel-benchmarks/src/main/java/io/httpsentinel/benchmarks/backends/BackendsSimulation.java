package io.httpsentinel.benchmarks.backends;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.resources.LoopResources;

import io.httpsentinel.benchmarks.LoadMachine;
import io.httpsentinel.client.ClientSettings;
import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.resilience.BackendEndpoint;
import io.httpsentinel.resilience.BackendListener;
import io.httpsentinel.resilience.BackendSettings;
import io.httpsentinel.resilience.BackendView;
import io.httpsentinel.resilience.OutlierDetectionSettings;

/**
 * One client over three backends, one of which starts failing mid-run (issue 17's
 * benchmark): three {@link SimulatedBackend}s on loopback ({@code -Dlatency} (3) ms
 * each), one Sentinel client over them built through the public API ({@code endpoints},
 * retries and outlier detection at their defaults) and a {@link SteadyLoad} of
 * {@code -Drate} (500) requests per second, at most {@code -DmaxInFlight} (200) at once.
 * Per {@link BackendsScenario} ({@code -Dscenarios=healthy,ejection,no-ejection}) a fresh
 * client runs {@code -Dwarmup} (8) seconds unmeasured (and before the first one a client
 * runs the load {@code -Dprime} (15) seconds, so that the JVM has compiled the call
 * path), then {@code -Dseconds} (40) measured; {@code -DfaultAt} (10) seconds into those,
 * the second backend starts answering {@code -DfaultRate} (0.5) of its requests with
 * {@code -DfaultStatus} (500). {@code -Dquick=true} shortens the defaults to 5 s of
 * priming, then 2 + 15 seconds per scenario, the fault at 4.
 * {@code -DbaseEjectionTime=30s} changes the ejection time (to see an ejected backend
 * return within the run). It prints a table: success rate, p50/p99 and the p99 added to
 * the healthy scenario's, retries, ejections, the failing backend's share of the attempts
 * since the fault and how soon it fell below 5%; the share per second; and the issue's
 * targets (with ejection: at least 99.9% success, the share below 5% within 10 s).
 */
public final class BackendsSimulation {

	private static final int FAILING = 1;

	private static final Duration DRAIN = Duration.ofSeconds(30);

	private final boolean quick = Boolean.getBoolean("quick");

	private final int prime = Integer.getInteger("prime", this.quick ? 5 : 15);

	private final int warmup = Integer.getInteger("warmup", this.quick ? 2 : 8);

	private final int seconds = Integer.getInteger("seconds", this.quick ? 15 : 40);

	private final int faultAt = Integer.getInteger("faultAt", this.quick ? 4 : 10);

	private final double rate = Double.parseDouble(System.getProperty("rate", "500"));

	private final int maxInFlight = Integer.getInteger("maxInFlight", 200);

	private final Duration latency = Duration.ofMillis(Integer.getInteger("latency", 3));

	private final double faultRate = Double.parseDouble(System.getProperty("faultRate", "0.5"));

	private final int faultStatus = Integer.getInteger("faultStatus", 500);

	private final Duration baseEjectionTime = Duration.parse("PT" + System.getProperty("baseEjectionTime", "30s"));

	private BackendsSimulation() {
	}

	public static void main(String[] args) throws Exception {
		List<BackendsScenario> scenarios = Arrays
			.stream(System.getProperty("scenarios", "healthy,ejection,no-ejection").split(","))
			.map(String::trim)
			.map(BackendsScenario::of)
			.toList();
		new BackendsSimulation().run(scenarios);
		System.exit(0);
	}

	private void run(List<BackendsScenario> scenarios) throws Exception {
		System.out.printf(Locale.ROOT,
				"3 backends (%d ms latency), %.0f requests/s, at most %d in flight; priming %d s; per scenario warm-up %d s, measured %d s; "
						+ "from second %d backend %d answers %.0f%% of its requests %d; retries and outlier detection "
						+ "at their defaults (base ejection time %s)%nJVM: %s, %d CPUs; load average at start: %s%n%n",
				this.latency.toMillis(), this.rate, this.maxInFlight, this.prime, this.warmup, this.seconds,
				this.faultAt, FAILING + 1, 100 * this.faultRate, this.faultStatus, this.baseEjectionTime,
				Runtime.version(), Runtime.getRuntime().availableProcessors(), LoadMachine.loadAverage());
		LoopResources loops = LoopResources.create("backends", 1, true);
		Scheduler timer = Schedulers.newSingle("backend-latency", true);
		List<SimulatedBackend> backends = new ArrayList<>();
		List<BackendsScenarioResult> results = new ArrayList<>();
		try {
			for (int i = 0; i < 3; i++) {
				backends.add(new SimulatedBackend(loops, timer, this.latency, this.faultStatus));
			}
			prime(backends);
			for (BackendsScenario scenario : scenarios) {
				results.add(run(scenario, backends));
			}
		}
		finally {
			backends.forEach(SimulatedBackend::close);
			timer.dispose();
			loops.disposeLater().block(Duration.ofSeconds(10));
		}
		BackendsReport.print(results);
	}

	private BackendsScenarioResult run(BackendsScenario scenario, List<SimulatedBackend> backends) throws Exception {
		System.out.println("== " + scenario.label());
		AttemptCounts attempts = new AttemptCounts();
		try (SentinelClients clients = SentinelClients.builder()
			.retryListener(attempts)
			.client("backends", settings(scenario, backends))
			.build()) {
			SentinelClient client = clients.get("backends");
			EjectionLog ejections = new EjectionLog();
			client.backends().ifPresent((view) -> view.addListener(ejections));
			try (SteadyLoad load = new SteadyLoad(client.webClient(), this.rate, this.maxInFlight)) {
				load.start();
				sleepFor(this.warmup, TimeUnit.SECONDS);
				long start = System.nanoTime();
				backends.forEach((backend) -> backend.reset(start));
				attempts.reset();
				load.measure();
				String loadAtStart = LoadMachine.loadAverage();
				sleepUntil(start + TimeUnit.SECONDS.toNanos(this.faultAt));
				if (scenario.fault()) {
					ejections.faultStarted();
					backends.get(FAILING).fail(this.faultRate);
				}
				sleepUntil(start + TimeUnit.SECONDS.toNanos(this.seconds));
				SteadyLoad.Outcome outcome = load.stop(DRAIN);
				long[][] perSecond = backends.stream()
					.map((backend) -> backend.requestsPerSecond(this.seconds))
					.toArray(long[][]::new);
				List<BackendView> states = client.backends().map((view) -> view.backends()).orElse(List.of());
				long ejected = states.stream().mapToLong(BackendView::ejections).sum();
				BackendsScenarioResult result = new BackendsScenarioResult(scenario, outcome, perSecond, FAILING,
						this.faultAt, attempts.retries(), attempts.gaveUp(), ejected, ejections.events(),
						loadAtStart.split(" ")[0] + " -> " + LoadMachine.loadAverage().split(" ")[0]);
				System.out.println("   failures: " + outcome.failures() + "; gave up after: " + attempts.gaveUp()
						+ "; backends at the end: " + states);
				System.out.println("   " + BackendsScenarioResult.HEADER);
				System.out.println("   " + result.line(null));
				return result;
			}
		}
	}

	/**
	 * Run the load once, unmeasured, so that the first scenario does not measure a JVM
	 * that is still compiling the call path (the baseline would be the slowest).
	 */
	private void prime(List<SimulatedBackend> backends) throws Exception {
		System.out.println("== priming for " + this.prime + " s");
		try (SentinelClients clients = SentinelClients.builder()
			.client("prime", settings(BackendsScenario.HEALTHY, backends))
			.build(); SteadyLoad load = new SteadyLoad(clients.get("prime").webClient(), this.rate, this.maxInFlight)) {
			load.start();
			sleepFor(this.prime, TimeUnit.SECONDS);
			load.stop(DRAIN);
		}
	}

	private ClientSettings settings(BackendsScenario scenario, List<SimulatedBackend> backends) {
		List<BackendEndpoint> endpoints = backends.stream()
			.map((backend) -> BackendEndpoint.of(URI.create("http://127.0.0.1:" + backend.port())))
			.toList();
		OutlierDetectionSettings outlierDetection = new OutlierDetectionSettings(scenario.ejection(), null, null,
				this.baseEjectionTime, null, null);
		return ClientSettings.builder()
			.baseUrl(null)
			.backends(new BackendSettings(endpoints, outlierDetection, null))
			.build();
	}

	private static void sleepFor(long amount, TimeUnit unit) throws InterruptedException {
		sleepUntil(System.nanoTime() + unit.toNanos(amount));
	}

	private static void sleepUntil(long nanoTime) throws InterruptedException {
		long left = nanoTime - System.nanoTime();
		if (left > 0) {
			TimeUnit.NANOSECONDS.sleep(left);
		}
	}

	/**
	 * The ejections and returns of a client's backends, timed from the fault's start.
	 */
	private static final class EjectionLog implements BackendListener {

		private final List<String> events = new CopyOnWriteArrayList<>();

		private volatile long faultStart = System.nanoTime();

		void faultStarted() {
			this.faultStart = System.nanoTime();
		}

		@Override
		public void ejected(String address, Instant until, int timesEjected) {
			this.events.add(String.format(Locale.ROOT, "%s ejected at %+.2f s (x%d, until %s)", address, sinceFault(),
					timesEjected, until));
		}

		@Override
		public void returned(String address) {
			this.events.add(String.format(Locale.ROOT, "%s returned at %+.2f s", address, sinceFault()));
		}

		private double sinceFault() {
			return (System.nanoTime() - this.faultStart) / 1e9;
		}

		List<String> events() {
			return List.copyOf(this.events);
		}

	}

}
