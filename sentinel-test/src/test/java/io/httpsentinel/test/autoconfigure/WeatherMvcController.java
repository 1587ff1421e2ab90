package io.httpsentinel.test.autoconfigure;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.sse.proxy.SseProxy;

/**
 * A Spring MVC controller as an application writes it: a call through a client's
 * {@code RestClient} and a stream forwarded by the {@link SseProxy}.
 */
@RestController
class WeatherMvcController {

	private final RestClient weather;

	private final SentinelClient weatherClient;

	private final SseProxy sseProxy;

	WeatherMvcController(SentinelClients clients, SseProxy sseProxy) {
		this.weatherClient = clients.get("weather");
		this.weather = this.weatherClient.restClient();
		this.sseProxy = sseProxy;
	}

	@GetMapping("/weather/{city}")
	String weather(@PathVariable String city) {
		return this.weather.get().uri("/weather/{city}", city).retrieve().body(String.class);
	}

	@GetMapping("/weather/{city}/stream")
	Mono<ResponseEntity<Flux<DataBuffer>>> stream(@PathVariable String city) {
		return this.sseProxy.forward(this.weatherClient, (web) -> web.get().uri("/weather/{city}/events", city));
	}

}
