package io.httpsentinel.benchmarks;

import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.client.ClientSettings;
import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClientFactory;

/**
 * CPU cost of Sentinel's filters per call, without any network: the same
 * {@link WebClient} call answered by an in-memory exchange function, with and without the
 * Sentinel pipeline in front of it. The difference is what the pipeline adds to every
 * call, free of the noise a loopback server brings.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class PipelineCpuBenchmark {

	static final ExchangeFunction IN_MEMORY = (request) -> Mono
		.just(ClientResponse.create(HttpStatus.OK).header("content-type", "text/plain").body("ok").build());

	private SentinelClient client;

	private WebClient plain;

	private WebClient sentinel;

	@Setup
	public void setUp() {
		this.client = new SentinelClientFactory(WebClient::builder, null, List.of()).create("cpu",
				ClientSettings.DEFAULTS.withBaseUrl(URI.create("http://127.0.0.1:9")));
		this.sentinel = this.client.webClient().mutate().exchangeFunction(IN_MEMORY).build();
		this.plain = WebClient.builder().baseUrl("http://127.0.0.1:9").exchangeFunction(IN_MEMORY).build();
	}

	@TearDown
	public void tearDown() {
		this.client.close();
	}

	@Benchmark
	public String plainWebClient() {
		return this.plain.get().uri("/").retrieve().bodyToMono(String.class).block();
	}

	@Benchmark
	public String sentinelPipeline() {
		return this.sentinel.get().uri("/").retrieve().bodyToMono(String.class).block();
	}

}
