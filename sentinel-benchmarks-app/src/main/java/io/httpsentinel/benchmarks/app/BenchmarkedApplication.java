package io.httpsentinel.benchmarks.app;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.ServerWebExchange;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.sse.proxy.SseProxy;

/**
 * A WebFlux application as a user writes it from the README: one Sentinel client
 * ({@code upstream}, with {@code sse.resume.enabled}), {@code /sse/{stream}} forwarding
 * the upstream's stream with {@link SseProxy} and {@code /json} calling the upstream
 * through the client's {@link WebClient}. Two endpoints are the baselines the benchmark
 * compares them with in the same process, what the user would write without Sentinel:
 * {@code /relay/{stream}} relays the upstream's body as raw bytes through a plain
 * {@link WebClient}, and {@code /plain-json} makes the {@code /json} call through it.
 * Three more relays measure floors (the benchmark's {@code -DrelayPath}):
 * {@code /relay-open/{stream}} commits its response as soon as the upstream answered, as
 * Sentinel does; {@code /raw-relay/{stream}} and {@code /raw-open/{stream}} do without
 * the {@link WebClient}, on Reactor Netty's {@link HttpClient} (the same pool).
 */
@SpringBootApplication(proxyBeanMethods = false)
public class BenchmarkedApplication {

	public static void main(String[] args) {
		SpringApplication.run(BenchmarkedApplication.class, args);
	}

	@RestController
	static class Endpoints {

		private static final byte[] OPEN = { ':', '\n', '\n' };

		private final SentinelClient upstream;

		private final SseProxy sseProxy;

		private final WebClient plain;

		private final HttpClient raw;

		Endpoints(SentinelClients clients, SseProxy sseProxy, WebClient.Builder builder,
				@Value("${sentinel.clients.upstream.base-url}") String upstreamUrl) {
			this.upstream = clients.get("upstream");
			this.sseProxy = sseProxy;
			// The pool a user sizes for as many streams as Sentinel's client holds.
			ConnectionProvider pool = ConnectionProvider.builder("plain")
				.maxConnections(12000)
				.pendingAcquireMaxCount(12000)
				.build();
			HttpClient http = HttpClient.create(pool);
			this.plain = builder.baseUrl(upstreamUrl).clientConnector(new ReactorClientHttpConnector(http)).build();
			this.raw = http.baseUrl(upstreamUrl);
		}

		@GetMapping(path = "/sse/{stream}", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
		Mono<ResponseEntity<Flux<DataBuffer>>> sse(@PathVariable String stream, ServerWebExchange exchange) {
			String query = exchange.getRequest().getURI().getRawQuery();
			return this.sseProxy.forward(this.upstream, (web) -> web.get().uri(upstreamPath(stream, query)));
		}

		// The relay; /relay-open commits its response as soon as the upstream answered,
		// as Sentinel does (with the comment Sentinel opens a stream with).
		@GetMapping(path = { "/relay/{stream}", "/relay-open/{stream}" }, produces = MediaType.TEXT_EVENT_STREAM_VALUE)
		Mono<ResponseEntity<Flux<DataBuffer>>> relay(@PathVariable String stream, ServerWebExchange exchange) {
			String query = exchange.getRequest().getURI().getRawQuery();
			return this.plain.get()
				.uri(upstreamPath(stream, query))
				.retrieve()
				.toEntityFlux(DataBuffer.class)
				.map((entity) -> eventStream(exchange, "/relay-open/", entity.getBody()));
		}

		// The floor of a relay in a WebFlux app: Reactor Netty's HttpClient without a
		// WebClient, its body handed to the response as the gateway does (the upstream's
		// status is not looked at); /raw-open commits at once as /relay-open does.
		@GetMapping(path = { "/raw-relay/{stream}", "/raw-open/{stream}" },
				produces = MediaType.TEXT_EVENT_STREAM_VALUE)
		Mono<ResponseEntity<Flux<DataBuffer>>> rawRelay(@PathVariable String stream, ServerWebExchange exchange) {
			String query = exchange.getRequest().getURI().getRawQuery();
			NettyDataBufferFactory buffers = (NettyDataBufferFactory) exchange.getResponse().bufferFactory();
			return this.raw.get().uri(upstreamPath(stream, query)).responseConnection((response, connection) -> {
				Flux<DataBuffer> body = connection.inbound().receive().retain().map(buffers::wrap);
				return Mono.just(eventStream(exchange, "/raw-open/", body));
			}).next();
		}

		private static ResponseEntity<Flux<DataBuffer>> eventStream(ServerWebExchange exchange, String openPrefix,
				Flux<? extends DataBuffer> upstream) {
			Flux<DataBuffer> body = Flux.from(upstream);
			if (exchange.getRequest().getPath().value().startsWith(openPrefix)) {
				DataBufferFactory buffers = exchange.getResponse().bufferFactory();
				body = Flux.concat(Mono.fromSupplier(() -> buffers.wrap(OPEN)), body);
			}
			return ResponseEntity.ok()
				.contentType(MediaType.TEXT_EVENT_STREAM)
				.cacheControl(CacheControl.noCache())
				.body(body);
		}

		@GetMapping(path = "/json", produces = MediaType.APPLICATION_JSON_VALUE)
		Mono<String> json() {
			return this.upstream.webClient().get().uri("/json").retrieve().bodyToMono(String.class);
		}

		@GetMapping(path = "/plain-json", produces = MediaType.APPLICATION_JSON_VALUE)
		Mono<String> plainJson() {
			return this.plain.get().uri("/json").retrieve().bodyToMono(String.class);
		}

		private static String upstreamPath(String stream, String query) {
			return (query != null) ? "/" + stream + "?" + query : "/" + stream;
		}

	}

}
