package io.httpsentinel.sample.mvc;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.util.TestSocketUtils;

import io.httpsentinel.sample.upstream.DemoUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Spring MVC sample on a real Tomcat port, calling its embedded demo upstream: the
 * {@code RestClient} call, the HTTP service interface and the forward one-liner.
 */
@SpringBootTest(classes = MvcSampleApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
@ActiveProfiles("mvc")
class MvcSampleApplicationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final int DEMO_UPSTREAM_PORT = TestSocketUtils.findAvailableTcpPort();

	private static final int DEMO_UPSTREAM_REPLICA_PORT = TestSocketUtils.findAvailableTcpPort();

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private WebServerApplicationContext context;

	@Autowired
	private DemoUpstream demoUpstream;

	@DynamicPropertySource
	static void demoUpstreamOnAFreePort(DynamicPropertyRegistry registry) {
		registry.add("demo.upstream.port", () -> DEMO_UPSTREAM_PORT);
		registry.add("demo.upstream.replica-port", () -> DEMO_UPSTREAM_REPLICA_PORT);
	}

	@Test
	void runsOnTomcat() {
		assertThat(this.context.getWebServer()).isInstanceOf(TomcatWebServer.class);
	}

	@Test
	void theRestClientCallsTheUpstreamAndItsRetryHidesAFlaky503() throws Exception {
		assertThat(get("/api/weather/Oslo").body()).contains("\"city\":\"Oslo\"");
		int before = this.demoUpstream.flakyRequests();
		HttpResponse<String> flaky = get("/api/weather/Oslo?flaky=true");
		assertThat(flaky.statusCode()).isEqualTo(200);
		assertThat(this.demoUpstream.flakyRequests() - before).isEqualTo(2);
	}

	@Test
	void theHttpServiceInterfaceCallsTheUpstreamThroughTheSamePipeline() throws Exception {
		assertThat(get("/api/weather/Bergen/via-interface").body()).contains("\"city\":\"Bergen\"");
		int before = this.demoUpstream.flakyRequests();
		assertThat(get("/api/weather/Bergen/via-interface?flaky=true").statusCode()).isEqualTo(200);
		assertThat(this.demoUpstream.flakyRequests() - before).isEqualTo(2);
	}

	@Test
	void theForwardOneLinerAnswersTheUpstreamsEventsByteForByte() throws Exception {
		String upstream = this.http
			.send(HttpRequest
				.newBuilder(URI.create("http://127.0.0.1:" + DEMO_UPSTREAM_PORT + "/v1/messages/stream?interval=0"))
				.timeout(TIMEOUT)
				.build(), HttpResponse.BodyHandlers.ofString())
			.body();
		HttpResponse<String> forwarded = get("/api/chat/stream/raw?interval=0");
		assertThat(forwarded.statusCode()).isEqualTo(200);
		assertThat(forwarded.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("text/event-stream"));
		assertThat(upstream).contains("message_stop");
		assertThat(forwarded.body()).isEqualTo(":\n\n" + upstream);
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).timeout(TIMEOUT).build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
