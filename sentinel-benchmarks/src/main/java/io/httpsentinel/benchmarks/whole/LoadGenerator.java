package io.httpsentinel.benchmarks.whole;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * The request/response load: {@code wrk -t1 -cN} (pinned to CPU 1 when asked) when it is
 * installed, otherwise a Reactor Netty client with N keep-alive connections in this JVM,
 * each sending its next request when the last answer arrived.
 */
final class LoadGenerator implements AutoCloseable {

	private static final String WRK = "/usr/bin/wrk";

	private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ([\\d.]+)(m?s)");

	private static final Pattern ERRORS = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

	private final int connections;

	private final boolean pin;

	private final boolean wrk = new File(WRK).canExecute();

	private final LoopResources loops;

	private final ConnectionProvider pool;

	private final HttpClient client;

	LoadGenerator(int connections, boolean pin) {
		this.connections = connections;
		this.pin = pin;
		this.loops = LoopResources.create("bench-load", 1, true);
		this.pool = ConnectionProvider.builder("bench-load").maxConnections(connections).build();
		this.client = HttpClient.create(this.pool).runOn(this.loops);
	}

	String describe() {
		return this.wrk ? "wrk -t1 -c" + this.connections + (this.pin ? " pinned to CPU 1" : "")
				: "an in-JVM Reactor Netty client with " + this.connections
						+ " connections (wrk is not installed: apt-get install wrk)";
	}

	/**
	 * @return the requests answered with 2xx in the given time
	 */
	long run(String url, int seconds) throws Exception {
		return this.wrk ? wrk(url, seconds) : inJvm(url, seconds);
	}

	private long wrk(String url, int seconds) throws Exception {
		List<String> command = new ArrayList<>();
		if (this.pin) {
			command.addAll(List.of("/usr/bin/taskset", "-c", "1"));
		}
		command.addAll(List.of(WRK, "-t1", "-c" + this.connections, "-d" + seconds + "s", url));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		process.waitFor(seconds + 30L, TimeUnit.SECONDS);
		Matcher requests = REQUESTS.matcher(output);
		if (!requests.find()) {
			throw new IllegalStateException("Unexpected output of wrk: " + output);
		}
		long answered = Long.parseLong(requests.group(1));
		Matcher errors = ERRORS.matcher(output);
		if (errors.find()) {
			System.out.println("!! " + url + ": " + errors.group());
			answered -= Long.parseLong(errors.group(1));
		}
		return answered;
	}

	private long inJvm(String url, int seconds) {
		AtomicLong answered = new AtomicLong();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
		Mono<Void> request = this.client.get().uri(url).responseSingle((response, body) -> {
			if (response.status().code() / 100 == 2) {
				answered.incrementAndGet();
			}
			return body.then();
		});
		Flux.range(0, this.connections)
			.flatMap((connection) -> request.repeat(() -> System.nanoTime() < deadline), this.connections)
			.blockLast(Duration.ofSeconds(seconds + 30L));
		return answered.get();
	}

	@Override
	public void close() {
		this.pool.disposeLater().block(Duration.ofSeconds(5));
		this.loops.disposeLater().block(Duration.ofSeconds(5));
	}

}
