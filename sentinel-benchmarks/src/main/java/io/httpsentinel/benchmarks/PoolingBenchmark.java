package io.httpsentinel.benchmarks;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.handler.codec.http.HttpHeaderNames;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.infra.ThreadParams;
import org.openjdk.jmh.runner.IterationType;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.client.ClientSettings;
import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClientFactory;
import io.httpsentinel.client.pool.HttpClientFactory;

/**
 * Pooled connections versus a fresh connection per request, against a server on the
 * loopback interface answering every GET with a small (64-byte) body.
 * <p>
 * Both benchmarks send the same request through the same {@link WebClient} (base URL,
 * default headers, codecs, error filter) and the same Reactor Netty {@code HttpClient}
 * configuration (timeouts, compression); the only difference is the connection provider:
 * <ul>
 * <li>{@link #pooled}: the {@link SentinelClient}'s own pool (defaults: 100 connections,
 * FIFO);</li>
 * <li>{@link #freshConnectionPerRequest}: {@link ConnectionProvider#newConnection()},
 * which opens a TCP connection for each request and closes it afterwards.</li>
 * </ul>
 * The server counts the requests it answers and the connections it accepts. Each
 * iteration reports both as the auxiliary counters {@code requests} and
 * {@code connections} (summed over the measurement iterations in the final table), and
 * the trial ends with a line giving the connection-reuse ratio
 * {@code 1 - connections / requests} over the measurement iterations, i.e. at steady load
 * with warmup excluded.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 3)
@Measurement(iterations = 5, time = 4)
@Fork(1)
@Threads(4)
@State(Scope.Benchmark)
public class PoolingBenchmark {

	/** 64 ASCII bytes. */
	static final byte[] BODY = "0123456789abcdef".repeat(4).getBytes(StandardCharsets.US_ASCII);

	private final AtomicLong servedRequests = new AtomicLong();

	private final AtomicLong acceptedConnections = new AtomicLong();

	private long requestsAtIterationStart;

	private long connectionsAtIterationStart;

	private long measuredRequests;

	private long measuredConnections;

	private LoopResources serverLoops;

	private DisposableServer server;

	private SentinelClient sentinelClient;

	private WebClient pooledWebClient;

	private WebClient freshWebClient;

	@Setup(Level.Trial)
	public void startServerAndClients() {
		this.serverLoops = LoopResources.create("bench-server", 2, true);
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.runOn(this.serverLoops)
			// Called once per accepted TCP connection (not per request).
			.doOnChannelInit((observer, channel, remoteAddress) -> this.acceptedConnections.incrementAndGet())
			.handle((request, response) -> {
				this.servedRequests.incrementAndGet();
				return response.header(HttpHeaderNames.CONTENT_TYPE, "text/plain")
					.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(BODY.length))
					.sendByteArray(Mono.just(BODY));
			})
			.bindNow(Duration.ofSeconds(10));
		ClientSettings settings = ClientSettings.DEFAULTS
			.withBaseUrl(URI.create("http://127.0.0.1:" + this.server.port()));
		this.sentinelClient = new SentinelClientFactory(WebClient::builder, null, List.of()).create("bench", settings);
		this.pooledWebClient = this.sentinelClient.webClient();
		// Same WebClient and HttpClient configuration, but no pool: Reactor Netty opens a
		// connection for each request and closes it once the response is consumed.
		this.freshWebClient = this.pooledWebClient.mutate()
			.clientConnector(new ReactorClientHttpConnector(HttpClientFactory.create("bench-fresh", settings.baseUrl(),
					false, settings.timeouts(), settings.ssl(), ConnectionProvider.newConnection(), null)))
			.build();
	}

	@TearDown(Level.Trial)
	public void stopServerAndClients(BenchmarkParams benchmark) {
		String name = benchmark.getBenchmark().substring(benchmark.getBenchmark().lastIndexOf('.') + 1);
		System.out.printf(Locale.ROOT,
				"%n[%s] connection reuse over the measurement iterations: %d requests, %d new connections"
						+ " -> reuse ratio %.4f%% (1 - connections/requests)%n",
				name, this.measuredRequests, this.measuredConnections,
				reusePercent(this.measuredRequests, this.measuredConnections));
		System.out.printf(Locale.ROOT, "[%s] whole trial, warmup included: %d requests, %d new connections; %s%n", name,
				this.servedRequests.get(), this.acceptedConnections.get(), this.sentinelClient.pool());
		this.sentinelClient.close();
		this.server.disposeNow(Duration.ofSeconds(10));
		this.serverLoops.disposeLater().block(Duration.ofSeconds(10));
	}

	@Setup(Level.Iteration)
	public void markIterationStart() {
		this.requestsAtIterationStart = this.servedRequests.get();
		this.connectionsAtIterationStart = this.acceptedConnections.get();
	}

	@TearDown(Level.Iteration)
	public void addUpIteration(IterationParams iteration) {
		if (iteration.getType() == IterationType.MEASUREMENT) {
			this.measuredRequests += iterationRequests();
			this.measuredConnections += iterationConnections();
		}
	}

	long iterationRequests() {
		return this.servedRequests.get() - this.requestsAtIterationStart;
	}

	long iterationConnections() {
		return this.acceptedConnections.get() - this.connectionsAtIterationStart;
	}

	static double reusePercent(long requests, long connections) {
		return (requests != 0) ? 100.0 * (1.0 - (double) connections / requests) : Double.NaN;
	}

	@Benchmark
	public String pooled(ServerCounters counters) {
		return this.pooledWebClient.get().uri("/").retrieve().bodyToMono(String.class).block();
	}

	@Benchmark
	public String freshConnectionPerRequest(ServerCounters counters) {
		return this.freshWebClient.get().uri("/").retrieve().bodyToMono(String.class).block();
	}

	/**
	 * Puts the server's figures of each iteration into JMH's output as auxiliary
	 * counters. The figures are global, so the first benchmark thread reports them and
	 * the others report zero (JMH sums {@code EVENTS} counters over the threads).
	 */
	@AuxCounters(AuxCounters.Type.EVENTS)
	@State(Scope.Thread)
	public static class ServerCounters {

		/** Requests the server answered during the iteration. */
		public long requests;

		/** Connections the server accepted during the iteration. */
		public long connections;

		@Setup(Level.Iteration)
		public void reset() {
			this.requests = 0;
			this.connections = 0;
		}

		@TearDown(Level.Iteration)
		public void collect(PoolingBenchmark benchmark, ThreadParams thread) {
			if (thread.getThreadIndex() == 0) {
				this.requests = benchmark.iterationRequests();
				this.connections = benchmark.iterationConnections();
			}
		}

	}

}
