package io.httpsentinel.benchmarks;

import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.LogFactory;
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

import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.client.ClientSettings;
import io.httpsentinel.client.ExchangeLogLevel;
import io.httpsentinel.client.LogSettings;
import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClientFactory;

/**
 * What exchange logging costs per call while it logs nothing, without any network: the
 * same call through a client with {@code log: none} (no logging filter at all) and
 * through one with {@code log: body} whose logger is not at DEBUG (the filter is there
 * and asks {@code isDebugEnabled()} once per attempt). Both run the whole Sentinel
 * pipeline on an in-memory exchange function, as {@link PipelineCpuBenchmark} does.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class ExchangeLoggingBenchmark {

	private SentinelClient noLogging;

	private SentinelClient loggingOff;

	private WebClient noLoggingWeb;

	private WebClient loggingOffWeb;

	@Setup
	public void setUp() {
		if (LogFactory.getLog("io.httpsentinel.exchange.off").isDebugEnabled()) {
			throw new IllegalStateException("The exchange logger is at DEBUG: this would measure logging itself");
		}
		SentinelClientFactory factory = new SentinelClientFactory(WebClient::builder, null, List.of());
		ClientSettings settings = ClientSettings.DEFAULTS.withBaseUrl(URI.create("http://127.0.0.1:9"));
		this.noLogging = factory.create("none", settings);
		this.loggingOff = factory.create("off",
				settings.withLog(LogSettings.DEFAULTS.withLevel(ExchangeLogLevel.BODY)));
		this.noLoggingWeb = this.noLogging.webClient()
			.mutate()
			.exchangeFunction(PipelineCpuBenchmark.IN_MEMORY)
			.build();
		this.loggingOffWeb = this.loggingOff.webClient()
			.mutate()
			.exchangeFunction(PipelineCpuBenchmark.IN_MEMORY)
			.build();
	}

	@TearDown
	public void tearDown() {
		this.noLogging.close();
		this.loggingOff.close();
	}

	@Benchmark
	public String logNone() {
		return this.noLoggingWeb.get().uri("/").retrieve().bodyToMono(String.class).block();
	}

	@Benchmark
	public String logBodyLoggerNotAtDebug() {
		return this.loggingOffWeb.get().uri("/").retrieve().bodyToMono(String.class).block();
	}

}
