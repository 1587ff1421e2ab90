package io.httpsentinel.sse.proxy;

import java.net.URI;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import static io.httpsentinel.sse.proxy.ProxyApp.eventStream;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The forward one-liner in a Spring MVC application on virtual threads
 * ({@code spring.threads.virtual.enabled=true}): the proxy writes on Boot's
 * {@code applicationTaskExecutor} (virtual threads, like Tomcat's request threads), and a
 * write blocked by a client that stopped reading is still ended after
 * {@code sse.slow-client-timeout} (on Java 21 to 23 a virtual thread blocked in Tomcat's
 * write is pinned to its carrier, a platform thread). Runs on Java 21+ (see the
 * {@code virtual-threads} profile).
 */
@Tag("virtual-threads")
@EnabledForJreRange(min = JRE.JAVA_21, disabledReason = "virtual threads need Java 21+")
class SseProxyMvcVirtualThreadTests {

	private ProxyApp app;

	@AfterEach
	void stop() {
		if (this.app != null) {
			this.app.close();
		}
	}

	@Test
	void theOneLinerForwardsTheUpstreamsBytesWritingOnVirtualThreads() throws Exception {
		this.app = ProxyApp.builder().servlet().properties("spring.threads.virtual.enabled=true").start();
		assertThat(this.app.proxy().executor()).isSameAs(this.app.context().getBean("applicationTaskExecutor"));
		String upstream = "id: 1\ndata: a\n\n: comment\n\nid: 2\ndata: b\n\n";
		this.app.upstream(eventStream(upstream));
		try (Downstream downstream = Downstream.get(oneLiner())) {
			assertThat(downstream.awaitEnd()).isNull();
			assertThat(downstream.text()).isEqualTo(":\n\n" + upstream);
		}
	}

	@Test
	void aWriteBlockedByAClientThatStoppedReadingIsEndedAfterTheSlowClientTimeout() throws Exception {
		this.app = SseProxyMvcSlowClientTests.start(ProxyApp.builder(), "sentinel.clients.up.sse.buffer-size=256MB",
				"spring.threads.virtual.enabled=true");
		try (SlowReader client = SlowReader.open(oneLiner())) {
			SseProxyMvcSlowClientTests.awaitReleased(this.app, () -> true);
			client.assertClosedByServer();
		}
	}

	private URI oneLiner() {
		return URI.create(this.app.url().toString().replace("/mvc-proxy", "/proxy"));
	}

}
