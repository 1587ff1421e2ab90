package io.httpsentinel.benchmarks.sse;

import java.io.IOException;
import java.util.Map;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
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
 * plus the {@link BenchEndpoints}. Started and stopped as {@link BenchApps} describes;
 * {@link SseMvcBenchmarkApp} is the same app on Spring MVC.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import(SseBenchmarkApp.Endpoints.class)
public class SseBenchmarkApp {

	public static void main(String[] args) throws IOException {
		BenchApps.run(SseBenchmarkApp.class, WebApplicationType.REACTIVE,
				Map.of("spring.reactor.netty.shutdown-quiet-period", "0s"), args);
	}

	@RestController
	static class Endpoints extends BenchEndpoints {

		Endpoints(SentinelClients clients, SseProxy sseProxy) {
			super(clients, sseProxy);
		}

		@GetMapping(path = "/proxy/{stream}", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
		Mono<ResponseEntity<Flux<DataBuffer>>> proxy(@PathVariable String stream, ServerHttpRequest request) {
			return this.sseProxy.forward(this.upstream, (web) -> web.get()
				.uri((uri) -> BenchApps.upstreamUri(uri, stream, request.getURI().getRawQuery())));
		}

		@GetMapping(path = "/raw/{stream}", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
		Mono<ResponseEntity<Flux<DataBuffer>>> raw(@PathVariable String stream, ServerHttpRequest request) {
			return this.upstream.webClient()
				.get()
				.uri((uri) -> BenchApps.upstreamUri(uri, stream, request.getURI().getRawQuery()))
				.retrieve()
				.toEntityFlux(DataBuffer.class)
				.map((entity) -> ResponseEntity.ok()
					.contentType(MediaType.TEXT_EVENT_STREAM)
					.cacheControl(CacheControl.noCache())
					.header("X-Accel-Buffering", "no")
					.body(entity.getBody()));
		}

	}

}
