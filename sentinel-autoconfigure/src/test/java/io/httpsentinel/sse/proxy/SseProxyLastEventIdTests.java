package io.httpsentinel.sse.proxy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.httpsentinel.sse.SseEvent;

import static io.httpsentinel.sse.proxy.ProxyApp.breaksOffAfter;
import static io.httpsentinel.sse.proxy.ProxyApp.eventStream;
import static io.httpsentinel.testsupport.RawRequestHeads.utf8Hex;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code Last-Event-ID} {@link SseProxy} reads from the downstream request and sends
 * upstream, as bytes on the wire, in a WebFlux application on Reactor Netty and a Spring
 * MVC application on Tomcat: ids that are not plain ASCII travel as their UTF-8 bytes
 * both ways, and a resume goes on for ids HTTP cannot carry.
 */
@ExtendWith(OutputCaptureExtension.class)
class SseProxyLastEventIdTests {

	private ProxyApp app;

	@AfterEach
	void stop() {
		if (this.app != null) {
			this.app.close();
		}
	}

	@ParameterizedTest
	@EnumSource
	void aResumeSendsANonAsciiIdAsItsUtf8Bytes(Stack stack) throws Exception {
		start(stack).upstream(breaksOffAfter("id: 日本\ndata: a\n\n"), eventStream("id: 2\ndata: b\n\n"));
		assertThat(dataOfStream()).containsExactly("a", "b");
		assertThat(this.app.upstreamHeads.values("Last-Event-ID")).containsExactly("-", "E6 97 A5 E6 9C AC");
	}

	@ParameterizedTest
	@EnumSource
	void aResumeLeavesOutSpacesAroundTheId(Stack stack) throws Exception {
		start(stack).upstream(breaksOffAfter("id:  7 \ndata: a\n\n"), eventStream("id: 8\ndata: b\n\n"));
		assertThat(dataOfStream()).containsExactly("a", "b");
		assertThat(this.app.upstreamHeads.values("Last-Event-ID")).containsExactly("-", "37");
	}

	@ParameterizedTest
	@EnumSource
	void aResumeWithoutAnIdHttpCannotCarrySkipsWhatTheUpstreamSendsAgain(Stack stack, CapturedOutput output)
			throws Exception {
		String first = "id: 1\ndata: a\n\nid: 2\u0001\ndata: b\n\n";
		// Without a Last-Event-ID, this upstream starts from the beginning.
		start(stack).upstream(breaksOffAfter(first), eventStream(first + "id: 3\ndata: c\n\n"));
		assertThat(dataOfStream()).containsExactly("a", "b", "c");
		assertThat(this.app.upstreamHeads.values("Last-Event-ID")).containsExactly("-", "-");
		assertThat(this.app.proxy().statistics().get("up").resumes()).isOne();
		assertThat(output.getOut()).contains("SSE stream of client 'up' connects upstream without Last-Event-ID: "
				+ "event id '2\\u0001' cannot be sent in a header (it holds U+0001, a control character)");
	}

	@ParameterizedTest
	@EnumSource
	void theDownstreamsLastEventIdIsReadAsUtf8AndSentAsTheSameBytes(Stack stack) throws Exception {
		start(stack).upstream(eventStream("data: a\n\n"));
		// Hooks see the id each event follows: the downstream's.
		forwardMapped(stack);
		try (Downstream downstream = Downstream.get(this.app.url(), "Last-Event-ID", asHeaderChars("日本"))) {
			assertThat(downstream.awaitEnd()).isNull();
			assertThat(downstream.events()).extracting(SseEvent::data).containsExactly("a after 日本");
		}
		assertThat(this.app.upstreamHeads.values("Last-Event-ID")).containsExactly("E6 97 A5 E6 9C AC");
	}

	@ParameterizedTest
	@EnumSource
	void aDownstreamLastEventIdThatIsNotUtf8IsIgnored(Stack stack) throws Exception {
		start(stack).upstream(eventStream("data: a\n\n"));
		forwardMapped(stack);
		// A lone continuation byte, and a sequence cut short.
		for (String invalid : List.of("7\u0080", "\u00e6\u0097")) {
			try (Downstream downstream = Downstream.get(this.app.url(), "Last-Event-ID", invalid)) {
				assertThat(downstream.awaitEnd()).isNull();
				assertThat(downstream.status()).isEqualTo(200);
				assertThat(downstream.events()).extracting(SseEvent::data).containsExactly("a after ");
			}
		}
		assertThat(this.app.upstreamHeads.values("Last-Event-ID")).containsExactly("-", "-");
	}

	@ParameterizedTest
	@EnumSource
	void aDownstreamLastEventIdWithATabInsideIsPassedOn(Stack stack) throws Exception {
		start(stack).upstream(eventStream("data: a\n\n"));
		try (Downstream downstream = Downstream.get(this.app.url(), "Last-Event-ID", "7\t8")) {
			assertThat(downstream.awaitEnd()).isNull();
		}
		assertThat(this.app.upstreamHeads.values("Last-Event-ID")).containsExactly(utf8Hex("7\t8"));
	}

	private ProxyApp start(Stack stack) {
		ProxyApp.Builder builder = ProxyApp.builder().properties(SseProxyResumeTests.RESUME);
		this.app = ((stack == Stack.MVC) ? builder.servlet() : builder).start();
		return this.app;
	}

	private void forwardMapped(Stack stack) {
		if (stack == Stack.MVC) {
			this.app.mvcEndpoint((proxy, client) -> proxy.from(client, (web) -> web.get().uri("/stream"))
				.map(SseProxyLastEventIdTests::withLastEventId)
				.toResponseBodyEmitter());
		}
		else {
			this.app.endpoint((proxy, client) -> proxy.from(client, (web) -> web.get().uri("/stream"))
				.map(SseProxyLastEventIdTests::withLastEventId)
				.toResponse());
		}
	}

	private static SseEvent withLastEventId(SseEvent event) {
		return event.mutate().data(event.data() + " after " + event.lastEventId()).build();
	}

	private List<String> dataOfStream() throws Exception {
		try (Downstream downstream = Downstream.get(this.app.url())) {
			assertThat(downstream.awaitEnd()).as("the stream completes").isNull();
			return downstream.events().stream().map(SseEvent::data).toList();
		}
	}

	/**
	 * A text as the characters whose codes are its UTF-8 bytes: what a raw client sends
	 * as those bytes (Netty writes each character of a header value as one byte).
	 */
	private static String asHeaderChars(String text) {
		return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
	}

	enum Stack {

		/** WebFlux on Reactor Netty. */
		WEBFLUX,

		/** Spring MVC on Tomcat. */
		MVC

	}

}
