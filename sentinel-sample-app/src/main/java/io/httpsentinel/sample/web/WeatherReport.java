package io.httpsentinel.sample.web;

import java.time.Instant;

/**
 * What {@code GET /api/weather/{city}} answers: the upstream's observation with the
 * temperature in Fahrenheit added, to show the app doing something with the response.
 *
 * @param city the city
 * @param temperatureCelsius the temperature in degrees Celsius
 * @param temperatureFahrenheit the same temperature in degrees Fahrenheit, to one decimal
 * @param observedAt when the upstream observed the temperature
 */
public record WeatherReport(String city, double temperatureCelsius, double temperatureFahrenheit, Instant observedAt) {

	static WeatherReport from(UpstreamWeather upstream) {
		return new WeatherReport(upstream.city(), upstream.temperatureCelsius(),
				fahrenheit(upstream.temperatureCelsius()), upstream.observedAt());
	}

	/**
	 * Convert a temperature to Fahrenheit, rounded to one decimal.
	 * @param celsius degrees Celsius
	 * @return degrees Fahrenheit
	 */
	static double fahrenheit(double celsius) {
		return Math.round((celsius * 9 / 5 + 32) * 10) / 10.0;
	}

}
