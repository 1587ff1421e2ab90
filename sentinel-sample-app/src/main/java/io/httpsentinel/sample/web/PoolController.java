package io.httpsentinel.sample.web;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.resilience.BackendView;
import io.httpsentinel.resilience.BackendsView;

/**
 * Calls through the client {@code demo-pool}, whose {@code endpoints} are two backends:
 * the demo upstream and its replica. Each answer names the backend that gave it, so the
 * spread is visible; with {@code replicaFailing=true} the replica answers 503, and the
 * calls still succeed: each failed attempt is retried on the other backend, and after
 * five failures in a row the replica is ejected for 30s.
 */
@RestController
public class PoolController {

	/**
	 * Header by which the demo upstream names the instance that answered.
	 */
	private static final String BACKEND_HEADER = "x-demo-backend";

	private final SentinelClient pool;

	public PoolController(SentinelClients clients) {
		this.pool = clients.get("demo-pool");
	}

	/**
	 * One call: the weather and the backend that answered.
	 * @param city the city
	 * @param replicaFailing whether the replica answers 503
	 * @return the answer
	 */
	@GetMapping("/api/pool/weather/{city}")
	public Mono<PoolAnswer> weather(@PathVariable String city,
			@RequestParam(defaultValue = "false") boolean replicaFailing) {
		return call(city, replicaFailing);
	}

	/**
	 * Several calls one after the other: how many each backend answered, and the
	 * backends' state as the client sees it (attempts, failures, ejection).
	 * @param calls how many calls, 1 to 100
	 * @param replicaFailing whether the replica answers 503
	 * @return the spread
	 */
	@GetMapping("/api/pool/spread")
	public Mono<Spread> spread(@RequestParam(defaultValue = "10") int calls,
			@RequestParam(defaultValue = "false") boolean replicaFailing) {
		int count = Math.max(1, Math.min(calls, 100));
		return Flux.range(0, count)
			.concatMap((i) -> call("Oslo", replicaFailing))
			.collect(Collectors.groupingBy(PoolAnswer::backend, TreeMap::new, Collectors.counting()))
			.map((answeredBy) -> new Spread(count, answeredBy, backends()));
	}

	private Mono<PoolAnswer> call(String city, boolean replicaFailing) {
		// Relative URI: each attempt goes to the backend the client picks for it.
		return this.pool.webClient()
			.get()
			.uri(replicaFailing ? "/replica-failing/weather/{city}" : "/weather/{city}", city)
			.retrieve()
			.toEntity(UpstreamWeather.class)
			.map(PoolAnswer::from);
	}

	private List<BackendView> backends() {
		return this.pool.backends().map(BackendsView::backends).orElse(List.of());
	}

	/**
	 * One call's answer.
	 *
	 * @param backend the backend that answered, {@code 127.0.0.1:<port>}
	 * @param weather the weather it gave
	 */
	public record PoolAnswer(String backend, WeatherReport weather) {

		static PoolAnswer from(ResponseEntity<UpstreamWeather> entity) {
			return new PoolAnswer(Objects.toString(entity.getHeaders().getFirst(BACKEND_HEADER), "unknown"),
					WeatherReport.from(Objects.requireNonNull(entity.getBody())));
		}

	}

	/**
	 * How calls spread over the backends.
	 *
	 * @param calls the calls made (every one succeeded, or the whole request failed)
	 * @param answeredBy calls answered, by backend
	 * @param backends each backend as the client sees it: attempts sent and failed,
	 * whether it is ejected and until when
	 */
	public record Spread(int calls, Map<String, Long> answeredBy, List<BackendView> backends) {

	}

}
