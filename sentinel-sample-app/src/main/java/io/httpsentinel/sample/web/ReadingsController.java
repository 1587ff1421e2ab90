package io.httpsentinel.sample.web;

import java.util.List;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClients;

/**
 * Reads the upstream's SSE stream of temperature readings with
 * {@link SentinelClient#sse}: the upstream ends each connection after three readings, and
 * the client reconnects with {@code Last-Event-ID}, so the readings arrive complete and
 * in order.
 */
@RestController
public class ReadingsController {

	private final SentinelClient weather;

	private final JsonMapper jsonMapper;

	public ReadingsController(SentinelClients clients, JsonMapper jsonMapper) {
		this.weather = clients.get("weather");
		this.jsonMapper = jsonMapper;
	}

	@GetMapping("/api/weather/{city}/readings")
	public Mono<List<Reading>> readings(@PathVariable String city, @RequestParam(defaultValue = "5") int count) {
		int wanted = Math.max(1, Math.min(count, 50));
		return this.weather.sse((web) -> web.get().uri("/weather/{city}/readings", city))
			.filter((event) -> event.type().equals("reading"))
			.take(wanted)
			.map((event) -> new Reading(event.lastEventId(),
					WeatherReport.from(this.jsonMapper.readValue(event.data(), UpstreamWeather.class))))
			.collectList();
	}

	/**
	 * One reading of the stream.
	 *
	 * @param id the event id the upstream gave it
	 * @param weather the reading
	 */
	public record Reading(String id, WeatherReport weather) {

	}

}
