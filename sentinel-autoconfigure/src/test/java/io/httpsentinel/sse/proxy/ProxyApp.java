package io.httpsentinel.sse.proxy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.testsupport.LoopbackServer;
import io.httpsentinel.testsupport.RawRequestHeads;

/**
 * A real WebFlux application (Reactor Netty, random port) whose controller forwards the
 * stream of a real upstream server on loopback through the auto-configured
 * {@link SseProxy}. Each test scripts the upstream ({@link #upstream}) and the controller
 * ({@link #endpoint}), then reads {@code /proxy} with a {@link Downstream}.
 */
final class ProxyApp implements AutoCloseable {

	/** What the controller does with the proxy and the client {@code up}. */
	@FunctionalInterface
	interface Endpoint {

		Mono<ResponseEntity<Flux<DataBuffer>>> handle(SseProxy proxy, SentinelClient client);

	}

	/** What the Spring MVC controller does with the proxy and the client {@code up}. */
	@FunctionalInterface
	interface MvcEndpoint {

		DeferredResult<ResponseEntity<ResponseBodyEmitter>> handle(SseProxy proxy, SentinelClient client);

	}

	/** What the upstream does for one request. */
	@FunctionalInterface
	interface UpstreamScript extends BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> {

	}

	/** Every Last-Event-ID the upstream received, "-" when none. */
	final List<String> lastEventIds = new CopyOnWriteArrayList<>();

	final AtomicInteger upstreamRequests = new AtomicInteger();

	/** The upstream's request heads as bytes off the wire. */
	final RawRequestHeads upstreamHeads = new RawRequestHeads();

	/** Flushes of the app's server connections. */
	final AtomicInteger flushes = new AtomicInteger();

	final LoopbackServer upstream;

	private final LoopResources upstreamLoops;

	private final ConfigurableApplicationContext context;

	private final List<UpstreamScript> scripts = new CopyOnWriteArrayList<>();

	private volatile Endpoint endpoint = (proxy, client) -> proxy.forward(client, (web) -> web.get().uri("/stream"));

	private volatile MvcEndpoint mvcEndpoint = (proxy, client) -> proxy.from(client, (web) -> web.get().uri("/stream"))
		.toResponseBodyEmitter();

	private ProxyApp(Builder builder) {
		// Event loops of its own: closing the application disposes Reactor Netty's
		// global ones, which would leave the upstream's connections unclosed.
		this.upstreamLoops = LoopResources.create("upstream", 1, true);
		HttpServer server = this.upstreamHeads.on(HttpServer.create().runOn(this.upstreamLoops));
		if (builder.upstreamAllocator != null) {
			server = server.childOption(ChannelOption.ALLOCATOR, builder.upstreamAllocator);
		}
		this.upstream = LoopbackServer
			.start(server.route((routes) -> routes.route((request) -> true, (request, response) -> {
				int index = this.upstreamRequests.getAndIncrement();
				String lastEventId = request.requestHeaders().get("Last-Event-ID");
				this.lastEventIds.add((lastEventId != null) ? lastEventId : "-");
				return this.scripts.get(Math.min(index, this.scripts.size() - 1)).apply(request, response);
			})), "http");
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("server.port", 0);
		// Stop the event loops at once when the test ends.
		properties.put("spring.reactor.netty.shutdown-quiet-period", "0s");
		if (builder.otherBackend != null) {
			// Two backends: the scripted upstream, weighted 2, then the other one.
			properties.put("sentinel.clients.up.endpoints[0].url", this.upstream.baseUrl().toString());
			properties.put("sentinel.clients.up.endpoints[0].weight", 2);
			properties.put("sentinel.clients.up.endpoints[1]", builder.otherBackend.toString());
		}
		else {
			properties.put("sentinel.clients.up.base-url", this.upstream.baseUrl().toString());
		}
		// Each test decides about the connection's retries itself.
		properties.put("sentinel.clients.up.retry.max-retries", 0);
		builder.properties.forEach((property) -> {
			int equals = property.indexOf('=');
			properties.put(property.substring(0, equals), property.substring(equals + 1));
		});
		SpringApplicationBuilder application = new SpringApplicationBuilder(App.class).web(builder.web)
			.properties(properties)
			.initializers((context) -> {
				context.getBeanFactory().registerSingleton("proxyApp", this);
				builder.beans.forEach((name, bean) -> context.getBeanFactory().registerSingleton(name, bean));
			});
		this.context = application.run();
	}

	static Builder builder() {
		return new Builder();
	}

	static ProxyApp start() {
		return builder().start();
	}

	/**
	 * Script the upstream: the first request gets the first script, and so on; the last
	 * one repeats.
	 */
	ProxyApp upstream(UpstreamScript... scripts) {
		this.scripts.clear();
		this.scripts.addAll(List.of(scripts));
		return this;
	}

	ProxyApp endpoint(Endpoint endpoint) {
		this.endpoint = endpoint;
		return this;
	}

	ProxyApp mvcEndpoint(MvcEndpoint endpoint) {
		this.mvcEndpoint = endpoint;
		return this;
	}

	/**
	 * URL of the WebFlux controller's endpoint (in a WebFlux app) or of the Spring MVC
	 * controller's (in a servlet app).
	 */
	URI url() {
		int port = ((WebServerApplicationContext) this.context).getWebServer().getPort();
		String path = (this.context.getEnvironment().getProperty("test.mvc", Boolean.class, false)) ? "/mvc-proxy"
				: "/proxy";
		return URI.create("http://127.0.0.1:" + port + path);
	}

	SseProxy proxy() {
		return this.context.getBean(SseProxy.class);
	}

	SentinelClient client() {
		return this.context.getBean(SentinelClients.class).get("up");
	}

	ConfigurableApplicationContext context() {
		return this.context;
	}

	static UpstreamScript eventStream(Publisher<String> body) {
		return (request, response) -> response.header("Content-Type", "text/event-stream")
			.sendString(body, StandardCharsets.UTF_8);
	}

	static UpstreamScript eventStream(String body) {
		return eventStream(Mono.just(body));
	}

	/**
	 * An event stream whose connection breaks off (without the end of the chunked body)
	 * after the given text.
	 */
	static UpstreamScript breaksOffAfter(String body) {
		return (request, response) -> response.header("Content-Type", "text/event-stream")
			// Not a Mono or Flux.just: those are sent with a Content-Length, not chunked.
			.sendString(Flux.fromIterable(List.of(body)), StandardCharsets.UTF_8)
			.then()
			.then(Mono.fromRunnable(() -> response.withConnection((connection) -> connection.channel().close())));
	}

	@Override
	public void close() {
		this.context.close();
		this.upstream.close();
		this.upstreamLoops.disposeLater(Duration.ZERO, Duration.ofSeconds(10)).block(Duration.ofSeconds(10));
	}

	static final class Builder {

		private final List<String> properties = new ArrayList<>();

		private final Map<String, Object> beans = new LinkedHashMap<>();

		private WebApplicationType web = WebApplicationType.REACTIVE;

		private @Nullable ByteBufAllocator upstreamAllocator;

		private @Nullable URI otherBackend;

		/**
		 * The client {@code up} with two backends: the scripted upstream (weight 2) and
		 * this one.
		 */
		Builder otherBackend(URI url) {
			this.otherBackend = url;
			return this;
		}

		/** A Spring MVC application on Tomcat instead. */
		Builder servlet() {
			this.web = WebApplicationType.SERVLET;
			this.properties.add("test.mvc=true");
			return this;
		}

		/** The allocator of the upstream server's buffers (Netty's default otherwise). */
		Builder upstreamAllocator(ByteBufAllocator allocator) {
			this.upstreamAllocator = allocator;
			return this;
		}

		Builder properties(String... properties) {
			this.properties.addAll(List.of(properties));
			return this;
		}

		Builder bean(String name, Object bean) {
			this.beans.put(name, bean);
			return this;
		}

		ProxyApp start() {
			return new ProxyApp(this);
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		NettyServerCustomizer flushCounting(ProxyApp app) {
			return (server) -> server.doOnChannelInit(
					(observer, channel, address) -> channel.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {

						@Override
						public void flush(ChannelHandlerContext context) throws Exception {
							app.flushes.incrementAndGet();
							super.flush(context);
						}

					}));
		}

		@Bean
		RouterFunction<ServerResponse> functionalProxy(SseProxy proxy, SentinelClients clients) {
			return RouterFunctions.route(RequestPredicates.GET("/fn-proxy"),
					(request) -> proxy.from(clients.get("up"), (web) -> web.get().uri("/stream")).toServerResponse());
		}

		@Bean
		ProxyController proxyController(ProxyApp app, SseProxy proxy, SentinelClients clients) {
			return new ProxyController(app, proxy, clients.get("up"));
		}

	}

	@RestController
	static class ProxyController {

		private final ProxyApp app;

		private final SseProxy proxy;

		private final SentinelClient client;

		@Autowired
		ProxyController(ProxyApp app, SseProxy proxy, SentinelClient client) {
			this.app = app;
			this.proxy = proxy;
			this.client = client;
		}

		@GetMapping(path = "/proxy", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
		Mono<ResponseEntity<Flux<DataBuffer>>> proxy() {
			return this.app.endpoint.handle(this.proxy, this.client);
		}

		/**
		 * The same as {@code /proxy} without {@code produces}: Accept is checked after it
		 * forwarded.
		 */
		@GetMapping("/plain")
		Mono<ResponseEntity<Flux<DataBuffer>>> plain() {
			return this.app.endpoint.handle(this.proxy, this.client);
		}

		@GetMapping(path = "/mvc-proxy", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
		DeferredResult<ResponseEntity<ResponseBodyEmitter>> mvcProxy() {
			return this.app.mvcEndpoint.handle(this.proxy, this.client);
		}

	}

}
