package io.httpsentinel.benchmarks.replicas;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import io.httpsentinel.benchmarks.LoadMachine;
import io.httpsentinel.benchmarks.RedisProcess;

/**
 * Several replicas of one application sharing one API quota: {@code -Dreplicas} (4)
 * {@link ReplicaApp}s, each in a JVM of its own and each offered {@code -Drate} (40)
 * requests per second, call one {@link QuotaUpstream} that allows {@code -Dquota} (50)
 * requests in any sliding second, once per {@link Scenario}: {@code none} (no limit),
 * {@code local} (the quota on each replica), {@code redis} (the quota shared in Redis),
 * {@code adaptive} and {@code adaptive-redis} (pacing from the upstream's rate-limit
 * headers). Each scenario starts its replicas afresh (and empties Redis), lets them run
 * {@code -Dwarmup} (10) seconds, twice the limiter's {@code max-wait}, so that the
 * requests held back at the start are out of the way, then measures {@code -Dseconds}
 * (30). It prints one line per scenario and the targets: with {@code redis}, 429s
 * at most 1% of the calls with at least 95% of the quota used; with {@code adaptive},
 * 429s at least 10 × fewer than with {@code none}.
 * <p>
 * Options: {@code -Dscenarios=none,local,...} (all but {@code adaptive-redis} by default:
 * that one needs pacing's shared schedule), {@code -Dheaders=openai} ({@code ietf}:
 * {@code RateLimit}/{@code RateLimit-Policy}; {@code none}), {@code -Dreset=oldest} (the
 * reset header: until the oldest request leaves the window; {@code full}: until the
 * newest does, the whole quota back, OpenAI's definition), {@code -DmaxWait=5s} (the
 * limiter waits up to this long, instead of refusing), {@code -Dlimit=50} (the limit
 * configured in the clients of {@code local} and {@code redis}; the quota by default),
 * {@code -DreplicaJvmOptions=...}, {@code -DreplicaArguments=--key=value ...} (more
 * properties for every replica). A {@code redis-server} is started only for the scenarios
 * that need it, and stopped by its PID at the end, also on failure.
 */
public final class ReplicasSimulation {

	private static final String DEFAULT_JVM_OPTIONS = "-Xms64m -Xmx160m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 "
			+ "-XX:CICompilerCount=1 -Xss512k -XX:ReservedCodeCacheSize=64m";

	/** The replicas running now, killed if the simulation ends abnormally. */
	private static final List<ReplicaProcess> running = new CopyOnWriteArrayList<>();

	private final int replicas = Integer.getInteger("replicas", 4);

	private final double rate = Double.parseDouble(System.getProperty("rate", "40"));

	private final int quota = Integer.getInteger("quota", 50);

	/** The limit configured in the clients ({@code local} and {@code redis}). */
	private final int limit = Integer.getInteger("limit", this.quota);

	private final int warmup = Integer.getInteger("warmup", 10);

	private final int seconds = Integer.getInteger("seconds", 30);

	private final String maxWait = System.getProperty("maxWait", "5s");

	private final List<String> jvmOptions = words(System.getProperty("replicaJvmOptions", DEFAULT_JVM_OPTIONS));

	private final List<String> extraArguments = words(System.getProperty("replicaArguments", ""));

	private ReplicasSimulation() {
	}

	public static void main(String[] args) throws Exception {
		Runtime.getRuntime().addShutdownHook(new Thread(() -> running.forEach(ReplicaProcess::kill), "replicas-kill"));
		List<Scenario> scenarios = Arrays
			.stream(System.getProperty("scenarios", "none,local,redis,adaptive").split(","))
			.map(String::trim)
			.map(Scenario::of)
			.toList();
		QuotaUpstream.HeaderStyle headers = QuotaUpstream.HeaderStyle
			.valueOf(System.getProperty("headers", "openai").toUpperCase(Locale.ROOT));
		new ReplicasSimulation().run(scenarios, headers);
		System.exit(0);
	}

	private void run(List<Scenario> scenarios, QuotaUpstream.HeaderStyle headers) throws Exception {
		System.out
			.printf(Locale.ROOT, "%d replicas x %.0f requests/s against a quota of %d requests in any sliding second "
					+ "(headers: %s, reset: %s); configured limit %d/s; warm-up %d s, measured %d s; retry.max-retries 0, "
					+ "rate-limit.max-wait %s%nreplica JVMs: %s%nload average at start: %s%n%n", this.replicas,
					this.rate, this.quota, headers.name().toLowerCase(Locale.ROOT),
					System.getProperty("reset", "oldest"), this.limit, this.warmup, this.seconds, this.maxWait,
					String.join(" ", this.jvmOptions), LoadMachine.loadAverage());
		boolean redisNeeded = scenarios.stream().anyMatch(Scenario::needsRedis);
		List<ScenarioResult> results = new ArrayList<>();
		List<String> failures = new ArrayList<>();
		try (QuotaUpstream upstream = new QuotaUpstream(this.quota, headers,
				"full".equals(System.getProperty("reset", "oldest")));
				RedisProcess redis = redisNeeded ? RedisProcess.start() : null) {
			upstream.prime(3000);
			for (Scenario scenario : scenarios) {
				try {
					results.add(run(scenario, upstream, redis));
				}
				catch (Exception ex) {
					failures.add(scenario.label() + ": " + ex.getMessage()
							+ ((ex.getCause() != null) ? " (" + ex.getCause() + ")" : ""));
					System.out.println("Scenario " + scenario.label() + " failed: " + ex.getMessage());
				}
			}
		}
		SimulationReport.print(results, failures, this.quota);
	}

	private ScenarioResult run(Scenario scenario, QuotaUpstream upstream, @Nullable RedisProcess redis)
			throws Exception {
		System.out.println("== " + scenario.label());
		if (redis != null) {
			redis.flushAll();
		}
		List<String> arguments = new ArrayList<>();
		Map<String, String> properties = scenario.properties("http://127.0.0.1:" + upstream.port(), this.limit,
				this.maxWait, (redis != null) ? redis.url() : null);
		properties.forEach((key, value) -> arguments.add("--" + key + "=" + value));
		arguments.add("--replica.rate=" + this.rate);
		arguments.addAll(this.extraArguments);
		System.out.println("   " + String.join(" ", arguments));
		List<ReplicaProcess> replicas = new ArrayList<>();
		try {
			for (int i = 1; i <= this.replicas; i++) {
				ReplicaProcess replica = ReplicaProcess.start("replica-" + i, this.jvmOptions, arguments);
				running.add(replica);
				replicas.add(replica);
			}
			for (ReplicaProcess replica : replicas) {
				replica.awaitReady(180);
			}
			long start = upstream.reset();
			sendAll(replicas, "START");
			sleepUntil(start + TimeUnit.SECONDS.toNanos(this.warmup));
			sendAll(replicas, "MARK");
			String loadAtMark = LoadMachine.loadAverage();
			sleepUntil(start + TimeUnit.SECONDS.toNanos(this.warmup + this.seconds));
			sendAll(replicas, "STOP");
			long[] counts = upstream.counts(this.warmup, this.warmup + this.seconds);
			System.out.println("   upstream 200/429 per second, warm-up: " + upstream.perSecond(0, this.warmup));
			System.out.println("   measured: " + upstream.perSecond(this.warmup, this.warmup + this.seconds));
			List<String> outcomes = new ArrayList<>();
			for (ReplicaProcess replica : replicas) {
				outcomes.add(replica.awaitResult(60));
			}
			ScenarioResult result = new ScenarioResult(scenario, this.seconds, counts, outcomes,
					loadAtMark.split(" ")[0] + " -> " + LoadMachine.loadAverage().split(" ")[0]);
			for (int i = 0; i < outcomes.size(); i++) {
				System.out.println("   replica-" + (i + 1) + " " + outcomes.get(i));
			}
			System.out.println(ScenarioResult.HEADER);
			System.out.println(result.line(this.quota));
			return result;
		}
		finally {
			for (ReplicaProcess replica : replicas) {
				replica.close();
				running.remove(replica);
			}
		}
	}

	private static void sendAll(List<ReplicaProcess> replicas, String command) throws Exception {
		for (ReplicaProcess replica : replicas) {
			replica.send(command);
		}
	}

	private static void sleepUntil(long nanoTime) throws InterruptedException {
		long left = nanoTime - System.nanoTime();
		if (left > 0) {
			TimeUnit.NANOSECONDS.sleep(left);
		}
	}

	private static List<String> words(String text) {
		return text.isBlank() ? List.of() : List.of(text.trim().split("\\s+"));
	}

}
