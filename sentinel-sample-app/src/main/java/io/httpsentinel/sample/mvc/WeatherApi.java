package io.httpsentinel.sample.mvc;

import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;

/**
 * The upstream weather API as an HTTP service interface. {@code client.httpService(..)}
 * makes a client of it on the Sentinel client's {@code RestClient}: base URL, API key
 * header, pool and the whole pipeline (retries, breaker, rate limit, timeouts).
 */
@HttpExchange
public interface WeatherApi {

	@GetExchange("/weather/{city}")
	CurrentWeather current(@PathVariable("city") String city);

	@GetExchange("/flaky/weather/{city}")
	CurrentWeather currentFlaky(@PathVariable("city") String city);

}
