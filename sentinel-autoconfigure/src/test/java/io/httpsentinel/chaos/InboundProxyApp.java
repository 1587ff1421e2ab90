package io.httpsentinel.chaos;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClientCustomizer;
import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.sse.proxy.SseProxy;

/**
 * A real application (WebFlux on Reactor Netty, or Spring MVC on Tomcat; random port)
 * whose controller forwards an {@link InboundUpstream}'s streams with the
 * {@link SseProxy#forward} one-liner, resume on: {@code /proxy} as documented (with
 * {@code produces = text/event-stream}), {@code /plain} without {@code produces}, and
 * {@code /steady/<n>} for the well-behaved streams. The client's buffers are pooled, so
 * that Netty's leak detector sees them.
 */
final class InboundProxyApp implements AutoCloseable {

	/** The two server stacks. */
	enum Stack {

		WEBFLUX(WebApplicationType.REACTIVE), MVC(WebApplicationType.SERVLET);

		private final WebApplicationType type;

		Stack(WebApplicationType type) {
			this.type = type;
		}

	}

	private final ConfigurableApplicationContext context;

	InboundProxyApp(Stack stack, URI upstream) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("server.port", 0);
		properties.put("spring.reactor.netty.shutdown-quiet-period", "0s");
		properties.put("sentinel.clients.up.base-url", upstream.toString());
		properties.put("sentinel.clients.up.sse.resume.enabled", true);
		this.context = new SpringApplicationBuilder(App.class).web(stack.type).properties(properties).run();
	}

	int port() {
		return ((WebServerApplicationContext) this.context).getWebServer().getPort();
	}

	SseProxy proxy() {
		return this.context.getBean(SseProxy.class);
	}

	@Override
	public void close() {
		this.context.close();
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		SentinelClientCustomizer pooledBuffers() {
			return new SentinelClientCustomizer() {

				@Override
				public HttpClient customizeHttpClient(String clientName, HttpClient httpClient) {
					return httpClient.option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT);
				}

			};
		}

		@Bean
		ForwardingController forwardingController(SseProxy proxy, SentinelClients clients) {
			return new ForwardingController(proxy, clients.get("up"));
		}

	}

	@RestController
	static class ForwardingController {

		private final SseProxy proxy;

		private final SentinelClient client;

		ForwardingController(SseProxy proxy, SentinelClient client) {
			this.proxy = proxy;
			this.client = client;
		}

		@GetMapping(path = "/proxy", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
		Mono<ResponseEntity<Flux<DataBuffer>>> proxy() {
			return this.proxy.forward(this.client, (web) -> web.get().uri("/stream"));
		}

		@GetMapping("/plain")
		Mono<ResponseEntity<Flux<DataBuffer>>> plain() {
			return this.proxy.forward(this.client, (web) -> web.get().uri("/stream"));
		}

		@GetMapping(path = "/steady/{n}", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
		Mono<ResponseEntity<Flux<DataBuffer>>> steady(@PathVariable("n") int n) {
			return this.proxy.forward(this.client, (web) -> web.get().uri("/steady/{n}", n));
		}

	}

}
