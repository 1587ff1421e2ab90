package io.httpsentinel.sample.web;

import reactor.core.publisher.Mono;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.client.SentinelClients;

/**
 * Current weather of a city, fetched from the upstream weather API through the Sentinel
 * client {@code weather} (configured under {@code sentinel.clients.weather}). Upstream
 * failures need no handler here: Sentinel answers them with problem details (503 with
 * {@code Retry-After}, 504 or 502, never the upstream's body).
 */
@RestController
public class WeatherController {

	private final WebClient weatherApi;

	public WeatherController(SentinelClients clients) {
		// Looked up once: a missing 'weather' client fails startup, not the first
		// request.
		this.weatherApi = clients.get("weather").webClient();
	}

	@GetMapping("/api/weather/{city}")
	public Mono<WeatherReport> weather(@PathVariable String city, @RequestParam(defaultValue = "false") boolean flaky) {
		// Relative URI: the client adds the base URL and the x-api-key default header.
		// The flaky upstream answers 503 every other time: the client's retry hides it.
		return this.weatherApi.get()
			.uri(flaky ? "/flaky/weather/{city}" : "/weather/{city}", city)
			.retrieve()
			.bodyToMono(UpstreamWeather.class)
			.map(WeatherReport::from);
	}

}
