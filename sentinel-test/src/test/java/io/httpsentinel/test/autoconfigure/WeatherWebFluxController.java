package io.httpsentinel.test.autoconfigure;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.sse.proxy.SseProxy;

/**
 * A WebFlux controller as an application writes it: a call through a client's
 * {@code WebClient} and a stream forwarded by the {@link SseProxy}.
 */
@RestController
class WeatherWebFluxController {

	private final SentinelClient weatherClient;

	private final WebClient weather;

	private final SseProxy sseProxy;

	WeatherWebFluxController(SentinelClients clients, SseProxy sseProxy) {
		this.weatherClient = clients.get("weather");
		this.weather = this.weatherClient.webClient();
		this.sseProxy = sseProxy;
	}

	@GetMapping("/weather/{city}")
	Mono<String> weather(@PathVariable String city) {
		return this.weather.get().uri("/weather/{city}", city).retrieve().bodyToMono(String.class);
	}

	@GetMapping("/weather/{city}/stream")
	Mono<ResponseEntity<Flux<DataBuffer>>> stream(@PathVariable String city) {
		return this.sseProxy.forward(this.weatherClient, (web) -> web.get().uri("/weather/{city}/events", city));
	}

}
