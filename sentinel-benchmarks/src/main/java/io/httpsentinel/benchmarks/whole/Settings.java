package io.httpsentinel.benchmarks.whole;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The benchmark's settings, from system properties; {@code -Dquick=true} shrinks every
 * default (fewer streams, shorter rounds) for a check in a few minutes.
 *
 * @param loads the loads to run
 * @param targets the targets to start ({@code sentinel} includes the in-app baselines)
 * @param seconds the measurement of one throughput round and one half of a streams phase
 * @param throughputRounds rounds of the one-stream load
 * @param streams streams of the paced load
 * @param streamRate events per second of each stream of the paced load
 * @param idle idle streams
 * @param idleSeconds how long idle CPU is measured
 * @param openingRounds rounds of the idle load's opening warm-up, at most: it goes on
 * until neither the target's JIT compilers nor this process's took 5% of a core while the
 * streams of a round opened, two rounds in a row ({@code 0}: none, the warm-up before the
 * tenth round of issue 12)
 * @param rounds rounds of the request/response load
 * @param requestSeconds the length of one request/response round
 * @param warmup seconds of request/response warm-up per JVM endpoint, at least
 * @param warmupMax seconds of request/response warm-up per JVM endpoint, at most: the
 * warm-up goes on after {@code warmup} until the JIT compilers are quiet
 * @param connections connections of the request/response load
 * @param faultStreams streams of the fault load
 * @param faultTotal events per stream of the fault load
 * @param faultEvery events after which the upstream drops the connection
 * @param faultRate events per second of the fault load
 * @param pin whether to pin the targets to CPU 0 and this process to CPU 1
 * @param jvmOptions more options of the JVM targets
 * @param jfr a flight recording file name for the JVM targets (one file each)
 * @param histogram whether to print heap histograms of the idle JVM targets
 * @param relayPath the in-app relay the {@code relay} column measures: {@code /relay} (a
 * plain {@code WebClient}, the default), {@code /relay-open} (the same, committing the
 * response once the upstream answered, as Sentinel does), {@code /raw-relay} or
 * {@code /raw-open} (Reactor Netty's {@code HttpClient} without a {@code WebClient}: the
 * floors of a WebFlux relay)
 */
record Settings(List<String> loads, List<String> targets, int seconds, int throughputRounds, int streams,
		int streamRate, int idle, int idleSeconds, int openingRounds, int rounds, int requestSeconds, int warmup,
		int warmupMax, int connections, int faultStreams, int faultTotal, int faultEvery, int faultRate, boolean pin,
		String jvmOptions, @Nullable String jfr, boolean histogram, String relayPath) {

	private static final List<String> RELAYS = List.of("/relay", "/relay-open", "/raw-relay", "/raw-open");

	static Settings fromSystemProperties(boolean canPin) {
		boolean quick = Boolean.getBoolean("quick");
		return new Settings(list("loads", "throughput,streams,idle,requests,faults"),
				list("targets", "sentinel,gateway,nginx"), integer("seconds", quick ? 2 : 5),
				integer("throughputRounds", quick ? 3 : 5), integer("streams", quick ? 200 : 1000),
				integer("streamRate", 10), integer("idle", quick ? 500 : 5000), integer("idleSeconds", quick ? 5 : 20),
				integer("openingRounds", quick ? 5 : 80), integer("rounds", quick ? 4 : 10),
				integer("requestSeconds", quick ? 2 : 5), integer("warmup", quick ? 10 : 60),
				integer("warmupMax", quick ? 30 : 180), integer("connections", 64), integer("faultStreams", 20),
				integer("faultTotal", quick ? 1000 : 2000), integer("faultEvery", quick ? 250 : 500),
				integer("faultRate", quick ? 500 : 200),
				canPin && Boolean.parseBoolean(System.getProperty("pin", "true")),
				System.getProperty("appJvmOptions", ""), System.getProperty("jfr"), Boolean.getBoolean("histogram"),
				relayPathProperty());
	}

	private static String relayPathProperty() {
		String path = System.getProperty("relayPath", "/relay");
		if (!RELAYS.contains(path)) {
			throw new IllegalArgumentException("-DrelayPath=" + path + " is not one of " + String.join(", ", RELAYS));
		}
		return path;
	}

	private static List<String> list(String name, String defaultValue) {
		return List.of(System.getProperty(name, defaultValue).split(","));
	}

	private static int integer(String name, int defaultValue) {
		return Integer.getInteger(name, defaultValue);
	}

}
