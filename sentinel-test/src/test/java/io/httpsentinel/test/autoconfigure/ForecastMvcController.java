package io.httpsentinel.test.autoconfigure;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.registry.ImportHttpServices;

/**
 * A controller calling its upstream through an HTTP service interface whose group is
 * named like the Sentinel client {@code weather}.
 */
@RestController
class ForecastMvcController {

	private final ForecastApi forecasts;

	ForecastMvcController(ForecastApi forecasts) {
		this.forecasts = forecasts;
	}

	@GetMapping("/forecast/{city}")
	String forecast(@PathVariable String city) {
		return this.forecasts.forecast(city);
	}

	interface ForecastApi {

		@GetExchange("/forecast/{city}")
		String forecast(@PathVariable String city);

	}

	/** The group, as an application declares it; a slice test imports it. */
	@Configuration(proxyBeanMethods = false)
	@ImportHttpServices(group = "weather", types = ForecastApi.class)
	static class HttpServices {

	}

}
