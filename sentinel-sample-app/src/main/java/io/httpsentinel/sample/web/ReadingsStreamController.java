package io.httpsentinel.sample.web;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.sse.proxy.SseProxy;

/**
 * Forwards the upstream's SSE stream of temperature readings to the caller with
 * {@link SseProxy}, turning each reading into a {@link WeatherReport} (Celsius and
 * Fahrenheit). The upstream ends each connection after three readings; a browser's
 * {@code EventSource} then reconnects with {@code Last-Event-ID}, which the proxy passes
 * upstream, so the readings go on where they stopped.
 */
@RestController
public class ReadingsStreamController {

	private final SentinelClient weather;

	private final SseProxy sseProxy;

	private final JsonMapper jsonMapper;

	public ReadingsStreamController(SentinelClients clients, SseProxy sseProxy, JsonMapper jsonMapper) {
		this.weather = clients.get("weather");
		this.sseProxy = sseProxy;
		this.jsonMapper = jsonMapper;
	}

	@GetMapping(path = "/api/weather/{city}/readings/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	public Mono<ResponseEntity<Flux<DataBuffer>>> readings(@PathVariable String city) {
		return this.sseProxy.from(this.weather, (web) -> web.get().uri("/weather/{city}/readings", city))
			.map((event) -> event.type().equals("reading") ? event.mutate().data(fahrenheit(event.data())).build()
					: event)
			.toResponse();
	}

	private String fahrenheit(String reading) {
		UpstreamWeather upstream = this.jsonMapper.readValue(reading, UpstreamWeather.class);
		return this.jsonMapper.writeValueAsString(WeatherReport.from(upstream));
	}

}
