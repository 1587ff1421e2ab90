package io.httpsentinel.sample.mvc;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClients;

/**
 * Current weather of a city from the upstream weather API, called synchronously on the
 * request's thread (a virtual one with {@code spring.threads.virtual.enabled=true}),
 * through the Sentinel client {@code weather}: once with its {@code RestClient}, once
 * with an HTTP service interface ({@link WeatherApi}). Both go through the same pool and
 * pipeline as its {@code WebClient}.
 */
@RestController
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class WeatherController {

	private final RestClient weather;

	private final WeatherApi weatherApi;

	public WeatherController(SentinelClients clients) {
		// Looked up once: a missing 'weather' client fails startup, not the first
		// request.
		SentinelClient client = clients.get("weather");
		this.weather = client.restClient();
		this.weatherApi = client.httpService(WeatherApi.class);
	}

	/**
	 * Through the client's {@code RestClient}; the flaky upstream answers 503 every other
	 * time, which the client's retry hides.
	 * @param city the city
	 * @param flaky whether to call the flaky endpoint
	 * @return the weather
	 */
	@GetMapping("/api/weather/{city}")
	public CurrentWeather weather(@PathVariable String city, @RequestParam(defaultValue = "false") boolean flaky) {
		// Relative URI: the client adds the base URL and the x-api-key default header.
		return this.weather.get()
			.uri(flaky ? "/flaky/weather/{city}" : "/weather/{city}", city)
			.retrieve()
			.body(CurrentWeather.class);
	}

	/**
	 * Through the HTTP service interface.
	 * @param city the city
	 * @param flaky whether to call the flaky endpoint
	 * @return the weather
	 */
	@GetMapping("/api/weather/{city}/via-interface")
	public CurrentWeather weatherViaInterface(@PathVariable String city,
			@RequestParam(defaultValue = "false") boolean flaky) {
		return flaky ? this.weatherApi.currentFlaky(city) : this.weatherApi.current(city);
	}

}
