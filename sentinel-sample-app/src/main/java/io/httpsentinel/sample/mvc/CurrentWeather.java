package io.httpsentinel.sample.mvc;

import java.time.Instant;

/**
 * Body of the upstream's {@code GET /weather/{city}}.
 *
 * @param city the city
 * @param temperatureCelsius the temperature in degrees Celsius
 * @param observedAt when the temperature was observed
 */
public record CurrentWeather(String city, double temperatureCelsius, Instant observedAt) {

}
