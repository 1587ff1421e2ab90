package io.httpsentinel.autoconfigure.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.testsupport.LoopbackServer;

/**
 * A real application — Spring MVC on Tomcat or WebFlux on Reactor Netty, random port —
 * whose controllers ({@link ProblemControllers}) call the Sentinel clients below against
 * a real upstream on loopback, for the problem-details tests. Each client has a base path
 * of its own on the same upstream, and the upstream answers by the last segment of the
 * request path: {@code ok}, {@code fail} (500 with a secret body), {@code busy} (429
 * asking for an hour's pause), {@code stall} (never answers), {@code big} (4KB).
 */
final class ProblemApp implements AutoCloseable {

	/** A secret in every upstream error body: it must never reach the caller. */
	static final String UPSTREAM_SECRET = "upstream-secret-b0dy";

	/** A secret in the query string of every upstream request. */
	static final String QUERY_SECRET = "query-secret-t0ken";

	private static final JsonMapper json = JsonMapper.builder().build();

	final LoopbackServer upstream;

	/** Requests the upstream received, by path. */
	final Map<String, AtomicInteger> upstreamRequests = new ConcurrentHashMap<>();

	private final LoopResources upstreamLoops;

	private final ConfigurableApplicationContext context;

	private final HttpClient http = HttpClient.newHttpClient();

	private ProblemApp(Builder builder) {
		// Event loops of its own: closing the application disposes Reactor Netty's
		// global ones, which would leave the upstream's connections unclosed.
		this.upstreamLoops = LoopResources.create("problem-upstream", 1, true);
		this.upstream = LoopbackServer.start(HttpServer.create()
			.runOn(this.upstreamLoops)
			.route((routes) -> routes.route((request) -> true, (request, response) -> {
				String path = request.fullPath();
				this.upstreamRequests.computeIfAbsent(path, (key) -> new AtomicInteger()).incrementAndGet();
				return switch (path.substring(path.lastIndexOf('/') + 1)) {
					case "ok" -> response.sendString(Mono.just("fine"));
					case "fail" -> response.status(500)
						.header("Content-Type", "application/json")
						.sendString(Mono.just("{\"error\":\"" + UPSTREAM_SECRET + "\"}"));
					case "busy" ->
						response.status(429).header("Retry-After", "3600").sendString(Mono.just(UPSTREAM_SECRET));
					case "stall" -> Mono.never();
					case "big" -> response.sendString(Mono.just("x".repeat(4096)));
					default -> response.status(404).send();
				};
			})), "http");
		String upstreamUrl = this.upstream.baseUrl().toString();
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("server.port", 0);
		properties.put("spring.reactor.netty.shutdown-quiet-period", "0s");
		properties.put("test.upstream-url", upstreamUrl);
		properties.put("sentinel.defaults.retry.max-retries", 0);
		properties.put("sentinel.clients.up.base-url", upstreamUrl + "/up");
		properties.put("sentinel.clients.up.retry.max-retries", 1);
		properties.put("sentinel.clients.up.retry.initial-delay", "10ms");
		properties.put("sentinel.clients.open.base-url", upstreamUrl + "/open");
		properties.put("sentinel.clients.open.circuit-breaker.wait-in-open", "45s");
		properties.put("sentinel.clients.paused.base-url", upstreamUrl + "/paused");
		properties.put("sentinel.clients.limited.base-url", upstreamUrl + "/limited");
		properties.put("sentinel.clients.limited.rate-limit.requests-per-minute", 1);
		properties.put("sentinel.clients.limited.rate-limit.max-wait", "1ms");
		properties.put("sentinel.clients.slow.base-url", upstreamUrl + "/slow");
		properties.put("sentinel.clients.slow.timeouts.response-headers", "300ms");
		properties.put("sentinel.clients.pool.base-url", upstreamUrl + "/pool");
		properties.put("sentinel.clients.pool.pool.max-connections", 1);
		properties.put("sentinel.clients.pool.pool.pending-acquire-timeout", "100ms");
		properties.put("sentinel.clients.pool.timeouts.response-headers", "2s");
		properties.put("sentinel.clients.small.base-url", upstreamUrl + "/small");
		properties.put("sentinel.clients.small.max-response-size", "1KB");
		properties.put("sentinel.clients.gone.base-url", builder.closedPortUrl());
		builder.properties.forEach((property) -> {
			int equals = property.indexOf('=');
			properties.put(property.substring(0, equals), property.substring(equals + 1));
		});
		List<Class<?>> sources = new ArrayList<>(List.of(App.class));
		sources.addAll(builder.sources);
		this.context = new SpringApplicationBuilder(sources.toArray(Class<?>[]::new)).web(builder.web)
			.properties(properties)
			.run();
	}

	static Builder servlet() {
		return new Builder(WebApplicationType.SERVLET);
	}

	static Builder reactive() {
		return new Builder(WebApplicationType.REACTIVE);
	}

	SentinelClient client(String name) {
		return this.context.getBean(SentinelClients.class).get(name);
	}

	ConfigurableApplicationContext context() {
		return this.context;
	}

	int upstreamRequests(String path) {
		AtomicInteger count = this.upstreamRequests.get(path);
		return (count != null) ? count.get() : 0;
	}

	/** GET a path of the application. */
	Answer get(String path) throws IOException, InterruptedException {
		return new Answer(this.http.send(request(path), HttpResponse.BodyHandlers.ofString()));
	}

	/**
	 * GET a stream of the application and read it until it ends or breaks off.
	 * @return the status, and the text received before the end
	 */
	Answer getStream(String path) throws IOException, InterruptedException {
		HttpResponse<InputStream> response = this.http.send(request(path), HttpResponse.BodyHandlers.ofInputStream());
		ByteArrayOutputStream received = new ByteArrayOutputStream();
		try (InputStream body = response.body()) {
			body.transferTo(received);
		}
		catch (IOException ex) {
			// Broken off: what arrived before is the answer.
		}
		return new Answer(response.statusCode(), response.headers(), received.toString(StandardCharsets.UTF_8));
	}

	/** GET a path of the application without waiting for the answer. */
	CompletableFuture<Answer> getLater(String path) {
		return this.http.sendAsync(request(path), HttpResponse.BodyHandlers.ofString()).thenApply(Answer::new);
	}

	private HttpRequest request(String path) {
		int port = ((WebServerApplicationContext) this.context).getWebServer().getPort();
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(30))
			.build();
	}

	@Override
	public void close() {
		this.context.close();
		this.upstream.close();
		this.upstreamLoops.disposeLater(Duration.ZERO, Duration.ofSeconds(10)).block(Duration.ofSeconds(10));
	}

	/** An answer of the application. */
	record Answer(int status, HttpHeaders headers, String body) {

		Answer(HttpResponse<String> response) {
			this(response.statusCode(), response.headers(), response.body());
		}

		String header(String name) {
			return this.headers.firstValue(name).orElse(null);
		}

		JsonNode json() {
			return json.readTree(this.body);
		}

	}

	static final class Builder {

		private final WebApplicationType web;

		private final List<String> properties = new ArrayList<>();

		private final List<Class<?>> sources = new ArrayList<>();

		private Builder(WebApplicationType web) {
			this.web = web;
		}

		Builder properties(String... properties) {
			this.properties.addAll(List.of(properties));
			return this;
		}

		/** More configuration of the application: a controller advice, say. */
		Builder with(Class<?> source) {
			this.sources.add(source);
			return this;
		}

		ProblemApp start() {
			return new ProblemApp(this);
		}

		private String closedPortUrl() {
			LoopbackServer closed = LoopbackServer.start((routes) -> routes);
			String url = closed.baseUrl().toString();
			closed.close();
			return url;
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ ProblemControllers.CallController.class, ProblemControllers.LocallyHandledController.class })
	static class App {

	}

}
