package io.httpsentinel.chaos;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

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
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.sse.proxy.SseProxy;

/**
 * A real application (WebFlux on Reactor Netty, or Spring MVC on Tomcat; random port)
 * with the client {@code up} to an upstream and a controller that forwards
 * {@code /proxy/{stream}} from the upstream's {@code /events/{stream}} through the
 * auto-configured {@link SseProxy}, as users write it.
 */
final class StreamChaosApp implements AutoCloseable {

	/** The server stack of the application. */
	enum Stack {

		/** WebFlux on Reactor Netty, with {@link SseProxy#forward}. */
		WEBFLUX,

		/** Spring MVC on Tomcat, with {@code toResponseBodyEmitter()}. */
		MVC

	}

	private final ConfigurableApplicationContext context;

	private final Stack stack;

	/**
	 * Start an application.
	 * @param stack its server stack
	 * @param upstream the base URL of the client {@code up}
	 * @param settings more properties, as {@code key=value}
	 */
	StreamChaosApp(Stack stack, URI upstream, String... settings) {
		this.stack = stack;
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("server.port", 0);
		// Stop the event loops at once when the test ends.
		properties.put("spring.reactor.netty.shutdown-quiet-period", "0s");
		properties.put("sentinel.clients.up.base-url", upstream.toString());
		for (String setting : settings) {
			int equals = setting.indexOf('=');
			properties.put(setting.substring(0, equals), setting.substring(equals + 1));
		}
		this.context = new SpringApplicationBuilder(App.class)
			.web((stack == Stack.MVC) ? WebApplicationType.SERVLET : WebApplicationType.REACTIVE)
			.properties(properties)
			.run();
	}

	/** The URL a downstream client reads a stream from. */
	URI url(int stream) {
		int port = ((WebServerApplicationContext) this.context).getWebServer().getPort();
		String path = (this.stack == Stack.MVC) ? "/mvc-proxy/" : "/proxy/";
		return URI.create("http://127.0.0.1:" + port + path + stream);
	}

	SseProxy proxy() {
		return this.context.getBean(SseProxy.class);
	}

	SentinelClient client() {
		return this.context.getBean(SentinelClients.class).get("up");
	}

	@Override
	public void close() {
		this.context.close();
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		ProxyController proxyController(SseProxy proxy, SentinelClients clients) {
			return new ProxyController(proxy, clients.get("up"));
		}

	}

	@RestController
	static class ProxyController {

		private final SseProxy proxy;

		private final SentinelClient client;

		ProxyController(SseProxy proxy, SentinelClient client) {
			this.proxy = proxy;
			this.client = client;
		}

		@GetMapping(path = "/proxy/{stream}", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
		Mono<ResponseEntity<Flux<DataBuffer>>> proxy(@PathVariable("stream") int stream) {
			return this.proxy.forward(this.client, (web) -> web.get().uri("/events/{stream}", stream));
		}

		@GetMapping(path = "/mvc-proxy/{stream}", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
		DeferredResult<ResponseEntity<ResponseBodyEmitter>> mvcProxy(@PathVariable("stream") int stream) {
			return this.proxy.from(this.client, (web) -> web.get().uri("/events/{stream}", stream))
				.toResponseBodyEmitter();
		}

	}

}
