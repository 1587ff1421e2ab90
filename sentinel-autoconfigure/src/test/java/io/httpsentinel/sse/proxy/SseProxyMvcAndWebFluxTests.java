package io.httpsentinel.sse.proxy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;

import static io.httpsentinel.sse.proxy.ProxyApp.eventStream;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same controller method, {@code return proxy.forward(client, (web) ->
 * web.get().uri("/stream"))} ({@link ProxyApp}'s {@code /proxy}), in a Spring MVC
 * application on Tomcat and in a WebFlux application on Reactor Netty: both answer the
 * upstream's bytes exactly, after the comment line that commits the response, with
 * Netty's leak detector on.
 */
class SseProxyMvcAndWebFluxTests {

	private static final LeakDetection leaks = new LeakDetection();

	@BeforeAll
	static void paranoid() {
		leaks.start();
	}

	@AfterAll
	static void restore() {
		leaks.stop();
	}

	@ParameterizedTest
	@ValueSource(strings = { "servlet", "reactive" })
	void theForwardOneLinerAnswersTheUpstreamsBytesInBothStacks(String stack) throws Exception {
		ProxyApp.Builder builder = ProxyApp.builder();
		if (stack.equals("servlet")) {
			builder.servlet();
		}
		List<String> chunks = chunks();
		try (ProxyApp app = builder.start()) {
			app.upstream(eventStream(Flux.fromIterable(chunks)));
			String path = app.url().getPath();
			try (Downstream downstream = Downstream.get(app.url().resolve(path.replace("/mvc-proxy", "/proxy")))) {
				assertThat(downstream.awaitEnd()).isNull();
				assertThat(downstream.status()).isEqualTo(200);
				assertThat(downstream.text().getBytes(StandardCharsets.UTF_8))
					.isEqualTo((":\n\n" + String.join("", chunks)).getBytes(StandardCharsets.UTF_8));
			}
		}
		leaks.assertNoLeaks();
	}

	/**
	 * Events cut at awkward places: inside a line end (CR | LF), inside a multi-byte
	 * character's field, comments, a retry, lone CR line ends, a large event.
	 */
	private static List<String> chunks() {
		List<String> chunks = new ArrayList<>();
		chunks.add(": hello\n\nretry: 2000\n\nid: 1\r");
		chunks.add("\ndata: caf");
		chunks.add("é 𝄞 €\r\n\r\nevent: x\rdata: lone CR\r\r");
		chunks.add("data: " + "y".repeat(100_000) + "\n\n");
		for (int i = 2; i < 50; i++) {
			chunks.add("id: " + i + "\ndata: token " + i + "\n\n");
		}
		return chunks;
	}

}
