package io.httpsentinel.sample;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webtestclient.autoconfigure.WebTestClientBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpHeaders;

/**
 * Sends every {@code WebTestClient} request on a connection of its own
 * ({@code Connection: close}). Reactor Netty 1.3's server can stop reading a kept-alive
 * connection when the next request arrives before the previous exchange has fully
 * terminated on the server (reactor/reactor-netty#4361); the request then waits until the
 * client gives up, which failed these tests now and then on a busy machine. The
 * connections under test (the app's clients to its upstream) are not affected by this
 * setting.
 */
@TestConfiguration(proxyBeanMethods = false)
class OneRequestPerConnection {

	@Bean
	WebTestClientBuilderCustomizer oneRequestPerConnection() {
		return (builder) -> builder.defaultHeader(HttpHeaders.CONNECTION, "close");
	}

}
