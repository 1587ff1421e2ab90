package io.httpsentinel.benchmarks.sse;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.util.Map;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.UriBuilder;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.sse.proxy.SseProxy;

/**
 * The application under test, run in a process of its own by
 * {@link SseProxyLoadBenchmark}: a Spring Boot WebFlux app with the Sentinel starter and
 * a client {@code upstream}, with two ways to relay a stream of the upstream:
 * <ul>
 * <li>{@code /proxy/{stream}}: {@link SseProxy#forward}, pass-through (no hooks);</li>
 * <li>{@code /raw/{stream}}: the baseline, the controller a user would write without
 * Sentinel's proxy: the same client's {@link WebClient}, the body relayed as raw
 * {@link DataBuffer}s, no parsing.</li>
 * </ul>
 * {@code /bench/cpu} and {@code /bench/heap} report the process's CPU time and its heap
 * after a full GC. It prints {@code PORT <n>} once it listens, and exits when its
 * standard input closes (when the load test ends, even abnormally).
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import(SseBenchmarkApp.Endpoints.class)
public class SseBenchmarkApp {

	public static void main(String[] args) throws IOException {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(SseBenchmarkApp.class)
			.web(WebApplicationType.REACTIVE)
			.properties(Map.of("spring.main.banner-mode", "off", "logging.level.root", "WARN",
					"spring.reactor.netty.shutdown-quiet-period", "0s",
					// Room for 5,000 streams at once, each on its own upstream
					// connection.
					"sentinel.sse.max-streams", "20000", "sentinel.clients.upstream.pool.max-connections", "12000",
					"sentinel.clients.upstream.pool.pending-acquire-max-count", "12000",
					"sentinel.clients.upstream.timeouts.read-idle", "10m"))
			.run(args);
		System.out.println("PORT " + ((WebServerApplicationContext) context).getWebServer().getPort());
		System.out.flush();
		InputStream in = System.in;
		while (in.read() >= 0) {
			// Runs until the load test closes the pipe.
		}
		context.close();
		System.exit(0);
	}

	@RestController
	static class Endpoints {

		private final SentinelClient upstream;

		private final SseProxy sseProxy;

		Endpoints(SentinelClients clients, SseProxy sseProxy) {
			this.upstream = clients.get("upstream");
			this.sseProxy = sseProxy;
		}

		@GetMapping(path = "/proxy/{stream}", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
		Mono<ResponseEntity<Flux<DataBuffer>>> proxy(@PathVariable String stream, ServerHttpRequest request) {
			return this.sseProxy.forward(this.upstream,
					(web) -> web.get().uri((uri) -> upstreamUri(uri, stream, request)));
		}

		@GetMapping(path = "/raw/{stream}", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
		Mono<ResponseEntity<Flux<DataBuffer>>> raw(@PathVariable String stream, ServerHttpRequest request) {
			return this.upstream.webClient()
				.get()
				.uri((uri) -> upstreamUri(uri, stream, request))
				.retrieve()
				.toEntityFlux(DataBuffer.class)
				.map((entity) -> ResponseEntity.ok()
					.contentType(MediaType.TEXT_EVENT_STREAM)
					.cacheControl(CacheControl.noCache())
					.header("X-Accel-Buffering", "no")
					.body(entity.getBody()));
		}

		private static java.net.URI upstreamUri(UriBuilder uri, String stream, ServerHttpRequest request) {
			String query = request.getURI().getRawQuery();
			uri.path("/{stream}");
			if (query != null) {
				uri.query(query);
			}
			return uri.build(stream);
		}

		@GetMapping("/bench/cpu")
		String cpu() {
			return Long
				.toString(((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
					.getProcessCpuTime());
		}

		/**
		 * Streams the proxy has open, and the upstream connections: in use, idle.
		 */
		@GetMapping("/bench/streams")
		String streams() {
			return this.sseProxy.activeStreams() + " " + this.upstream.pool().active() + " "
					+ this.upstream.pool().idle();
		}

		/**
		 * Used heap after full GCs, and the proxy's open streams.
		 */
		@GetMapping("/bench/heap")
		String heap() {
			long used = Long.MAX_VALUE;
			for (int i = 0; i < 3; i++) {
				System.gc();
				used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
			}
			return used + " " + this.sseProxy.activeStreams();
		}

	}

}
