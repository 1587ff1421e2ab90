package io.httpsentinel.sse.proxy;

import java.net.URI;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.httpsentinel.sse.proxy.ProxyApp.eventStream;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The forward one-liner in a Spring MVC application on Tomcat where
 * {@link SseProxyReturnValueHandler} is not registered (the auto-configuration is
 * excluded, as in an application without Spring Boot's auto-configuration): Spring MVC
 * itself would write the stream's buffers as JSON, so the request fails, saying what to
 * do.
 */
class SseProxyMvcWithoutHandlerTests {

	private ProxyApp app;

	@BeforeEach
	void start() {
		this.app = ProxyApp.builder()
			.servlet()
			.properties(
					"spring.autoconfigure.exclude=io.httpsentinel.autoconfigure.web.SseProxyWebMvcAutoConfiguration",
					"spring.web.error.include-message=always")
			.start();
	}

	@AfterEach
	void stop() {
		this.app.close();
	}

	@Test
	void theOneLinerFailsWithAnErrorSayingHowToRegisterTheHandlerAndNeverContactsTheUpstream() throws Exception {
		this.app.upstream(eventStream("id: 1\ndata: a\n\n"));
		URI oneLiner = URI.create(this.app.url().toString().replace("/mvc-proxy", "/proxy"));
		try (Downstream downstream = Downstream.get(oneLiner, "Accept", "text/event-stream, application/json")) {
			assertThat(downstream.status()).isEqualTo(500);
			downstream.awaitEnd();
			assertThat(downstream.text()).contains("SseProxyReturnValueHandler")
				.contains("toResponseBodyEmitter()")
				.doesNotContain("nativeBuffer");
		}
		assertThat(this.app.upstreamRequests).hasValue(0);
	}

	@Test
	void theEmitterWayStillWorks() throws Exception {
		this.app.upstream(eventStream("id: 1\ndata: a\n\n"));
		try (Downstream downstream = Downstream.get(this.app.url())) {
			assertThat(downstream.awaitEnd()).isNull();
			assertThat(downstream.text()).isEqualTo(":\n\nid: 1\ndata: a\n\n");
		}
	}

}
