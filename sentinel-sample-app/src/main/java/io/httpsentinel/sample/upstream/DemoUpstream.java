package io.httpsentinel.sample.upstream;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UriUtils;

/**
 * A stand-in for an external weather API, so that the sample runs without network access
 * or a real API key. It is a separate Reactor Netty server on its own port, so requests
 * to it leave the app over a real socket and go through the Sentinel client's pool, just
 * as calls to a remote host would.
 * <p>
 * A second instance, the replica, listens on a port of its own with the same endpoints,
 * so that a client with several backends ({@code demo-pool}) has two to spread its calls
 * over; every weather answer names the instance that gave it ({@value #BACKEND_HEADER}).
 * <p>
 * It listens on 127.0.0.1 only: it is a demo fixture and must not be reachable from other
 * machines. It starts when the bean is created, before the app serves requests, and stops
 * with the application context.
 */
@Component
public class DemoUpstream implements DisposableBean {

	/**
	 * Header the upstream requires, as many real APIs do. The app sends it through the
	 * client's {@code default-headers}.
	 */
	public static final String API_KEY_HEADER = "x-api-key";

	/**
	 * Fake key the upstream accepts; {@code application.yml} configures the same value.
	 */
	public static final String API_KEY = "demo-key";

	/**
	 * Response header naming the instance that answered a weather request:
	 * {@code 127.0.0.1:<port>}.
	 */
	public static final String BACKEND_HEADER = "x-demo-backend";

	private static final Log logger = LogFactory.getLog(DemoUpstream.class);

	private static final String HOST = "127.0.0.1";

	private static final Duration READING_INTERVAL = Duration.ofMillis(200);

	private static final int READINGS_PER_CONNECTION = 3;

	private final JsonMapper jsonMapper;

	private final DisposableServer server;

	private final DisposableServer replica;

	private final AtomicInteger flakyRequests = new AtomicInteger();

	private final AtomicInteger readingConnections = new AtomicInteger();

	private final DemoStreams streams;

	public DemoUpstream(@Value("${demo.upstream.port}") int port,
			@Value("${demo.upstream.replica-port}") int replicaPort, JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
		this.streams = new DemoStreams(jsonMapper);
		this.server = bind(port, "demo.upstream.port", (routes) -> routes(routes, false));
		try {
			this.replica = bind(replicaPort, "demo.upstream.replica-port", (routes) -> routes(routes, true));
		}
		catch (RuntimeException ex) {
			this.server.disposeNow();
			throw ex;
		}
		logger.info("Demo upstream listening on http://" + HOST + ":" + this.server.port() + ", its replica on http://"
				+ HOST + ":" + this.replica.port());
	}

	private static DisposableServer bind(int port, String property, Consumer<HttpServerRoutes> routes) {
		try {
			return HttpServer.create().host(HOST).port(port).route(routes).bindNow();
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException(
					"Demo upstream could not listen on " + HOST + ":" + port + "; free the port or set " + property,
					ex);
		}
	}

	/**
	 * Every endpoint of the demo upstream, in one place. The replica answers the same,
	 * except that its weather is "unavailable" under {@code /replica-failing}.
	 */
	private void routes(HttpServerRoutes routes, boolean replica) {
		routes.get("/weather/{city}", this::weather)
			.get("/replica-failing/weather/{city}", replica ? this::unavailable : this::weather)
			.get("/flaky/weather/{city}", this::flakyWeather)
			.get("/weather/{city}/readings", this::readings)
			.get("/v1/messages/stream", this.streams::chat)
			.get("/sensors/{sensor}/temperature", this.streams::temperature);
	}

	/**
	 * The LLM-style token stream and the temperature stream, with their fault knobs.
	 * @return the streams
	 */
	public DemoStreams streams() {
		return this.streams;
	}

	/**
	 * Fails every other request with 503, like an overloaded API; the app's retry turns
	 * that into a success.
	 */
	private Publisher<Void> flakyWeather(HttpServerRequest request, HttpServerResponse response) {
		if (this.flakyRequests.incrementAndGet() % 2 == 1) {
			return json(response.status(HttpResponseStatus.SERVICE_UNAVAILABLE),
					Map.of("error", "overloaded, try again"));
		}
		return weather(request, response);
	}

	/**
	 * Requests the flaky endpoint received so far.
	 * @return the count
	 */
	public int flakyRequests() {
		return this.flakyRequests.get();
	}

	private Publisher<Void> weather(HttpServerRequest request, HttpServerResponse response) {
		if (!API_KEY.equals(request.requestHeaders().get(API_KEY_HEADER))) {
			return json(response.status(HttpResponseStatus.UNAUTHORIZED),
					Map.of("error", "missing or wrong " + API_KEY_HEADER + " header"));
		}
		String city = UriUtils.decode(Objects.requireNonNull(request.param("city")), StandardCharsets.UTF_8);
		Instant observedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
		return json(response.header(BACKEND_HEADER, backend(request)),
				new Observation(city, temperatureCelsius(city), observedAt));
	}

	/**
	 * A backend that is down for good, as a replica whose model server crashed: 503 every
	 * time, which outlier detection ejects and a retry avoids.
	 */
	private Publisher<Void> unavailable(HttpServerRequest request, HttpServerResponse response) {
		return json(response.status(HttpResponseStatus.SERVICE_UNAVAILABLE).header(BACKEND_HEADER, backend(request)),
				Map.of("error", "this replica is down"));
	}

	/**
	 * The instance a request reached, by the local address of its connection.
	 */
	private static String backend(HttpServerRequest request) {
		InetSocketAddress local = (InetSocketAddress) Objects.requireNonNull(request.connectionHostAddress());
		return HOST + ":" + local.getPort();
	}

	/**
	 * An SSE stream of temperature readings with ids 1, 2, 3, ... every 200ms. Like many
	 * real streams it does not last: each connection ends after
	 * {@value #READINGS_PER_CONNECTION} readings, and a client that comes back with
	 * {@code Last-Event-ID} resumes after that reading. It asks clients to reconnect
	 * after 500ms ({@code retry:}).
	 */
	private Publisher<Void> readings(HttpServerRequest request, HttpServerResponse response) {
		if (!API_KEY.equals(request.requestHeaders().get(API_KEY_HEADER))) {
			return json(response.status(HttpResponseStatus.UNAUTHORIZED),
					Map.of("error", "missing or wrong " + API_KEY_HEADER + " header"));
		}
		String city = UriUtils.decode(Objects.requireNonNull(request.param("city")), StandardCharsets.UTF_8);
		long after = parseId(request.requestHeaders().get("Last-Event-ID"));
		this.readingConnections.incrementAndGet();
		Flux<String> events = Flux.interval(READING_INTERVAL)
			.take(READINGS_PER_CONNECTION)
			.map((n) -> after + n + 1)
			.map((id) -> "id: "
					+ id + "\nevent: reading\ndata: " + this.jsonMapper.writeValueAsString(new Observation(city,
							temperatureCelsius(city) + id / 10.0, Instant.now().truncatedTo(ChronoUnit.MILLIS)))
					+ "\n\n");
		return response.header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
			.sendString(Flux.concat(Mono.just("retry: 500\n\n"), events), StandardCharsets.UTF_8);
	}

	private static long parseId(@Nullable String lastEventId) {
		try {
			return (lastEventId != null) ? Math.max(0, Long.parseLong(lastEventId.strip())) : 0;
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	/**
	 * Connections the readings stream received so far.
	 * @return the count
	 */
	public int readingConnections() {
		return this.readingConnections.get();
	}

	/**
	 * Temperature derived from the city name, so that the same city always gets the same
	 * answer (handy in tests and demos): between -10.0 and 19.9 degrees.
	 */
	static double temperatureCelsius(String city) {
		int tenths = Math.floorMod(city.toLowerCase(Locale.ROOT).hashCode(), 300) - 100;
		return tenths / 10.0;
	}

	private Publisher<Void> json(HttpServerResponse response, Object body) {
		return response.header(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
			.sendString(Mono.just(this.jsonMapper.writeValueAsString(body)));
	}

	/**
	 * Port the upstream listens on (useful when configured as 0).
	 * @return the port
	 */
	public int port() {
		return this.server.port();
	}

	/**
	 * Port the replica listens on.
	 * @return the port
	 */
	public int replicaPort() {
		return this.replica.port();
	}

	@Override
	public void destroy() {
		this.server.disposeNow();
		this.replica.disposeNow();
	}

	/**
	 * What the upstream answers for a city.
	 *
	 * @param city the city, as requested
	 * @param temperatureCelsius the temperature in degrees Celsius
	 * @param observedAt when the temperature was "measured"
	 */
	record Observation(String city, double temperatureCelsius, Instant observedAt) {

	}

}
