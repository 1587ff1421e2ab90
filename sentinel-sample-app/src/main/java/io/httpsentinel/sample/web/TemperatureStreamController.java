package io.httpsentinel.sample.web;

import java.util.LinkedHashMap;
import java.util.Map;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.sse.SseEvent;
import io.httpsentinel.sse.proxy.SseProxy;

/**
 * Forwards a sensor's stream of temperature readings with {@link SseProxy}, converting
 * each reading from Celsius (the upstream's unit) to Fahrenheit in a {@code map} hook.
 * The {@code sensors} client resumes the stream when the upstream connection breaks
 * ({@code sse.resume.enabled: true} in {@code application.yml}).
 */
@RestController
public class TemperatureStreamController {

	private final SentinelClient sensors;

	private final SseProxy sseProxy;

	private final JsonMapper jsonMapper;

	public TemperatureStreamController(SentinelClients clients, SseProxy sseProxy, JsonMapper jsonMapper) {
		this.sensors = clients.get("sensors");
		this.sseProxy = sseProxy;
		this.jsonMapper = jsonMapper;
	}

	/**
	 * Readings of one sensor, in Fahrenheit: {@code event: reading} with data
	 * {@code {"sensor":"greenhouse","fahrenheit":70.3,"at":"..."}}.
	 * @param sensor the sensor name
	 * @param faults fault knobs for the demo upstream
	 * @return the stream
	 */
	@GetMapping(path = "/api/temperature/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	public Mono<ResponseEntity<Flux<DataBuffer>>> temperature(@RequestParam(defaultValue = "greenhouse") String sensor,
			DemoFaults faults) {
		return this.sseProxy
			.from(this.sensors,
					(web) -> web.get()
						.uri((uri) -> faults.addTo(uri.path("/sensors/{sensor}/temperature")).build(sensor)))
			.map(this::toFahrenheit)
			.toResponse();
	}

	private SseEvent toFahrenheit(SseEvent event) {
		if (!event.type().equals("reading")) {
			return event;
		}
		JsonNode reading = this.jsonMapper.readTree(event.data());
		Map<String, Object> converted = new LinkedHashMap<>();
		converted.put("sensor", reading.path("sensor").asString(""));
		converted.put("fahrenheit", WeatherReport.fahrenheit(reading.path("celsius").asDouble()));
		converted.put("at", reading.path("at").asString(""));
		return event.mutate().data(this.jsonMapper.writeValueAsString(converted)).build();
	}

}
