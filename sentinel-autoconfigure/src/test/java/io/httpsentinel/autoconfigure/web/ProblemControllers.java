package io.httpsentinel.autoconfigure.web;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.function.client.WebClient;

import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.resilience.CircuitOpenException;

/**
 * The controllers of {@link ProblemApp}: they call a Sentinel client and let its errors
 * reach the web layer, or handle them themselves.
 */
final class ProblemControllers {

	private ProblemControllers() {
	}

	private static Mono<String> call(SentinelClients clients, String client, String what) {
		return clients.get(client)
			.webClient()
			.get()
			.uri("/{what}?token=" + ProblemApp.QUERY_SECRET, what)
			.retrieve()
			.bodyToMono(String.class);
	}

	@RestController
	static class CallController {

		private final SentinelClients clients;

		private final WebClient plain;

		CallController(SentinelClients clients, @Value("${test.upstream-url}") String upstreamUrl) {
			this.clients = clients;
			this.plain = WebClient.create(upstreamUrl);
		}

		/** A call of the client, the WebFlux way (Spring MVC subscribes to it too). */
		@GetMapping("/call/{client}/{what}")
		Mono<String> call(@PathVariable String client, @PathVariable String what) {
			return ProblemControllers.call(this.clients, client, what);
		}

		/** The same call, blocking the request's thread (Spring MVC only). */
		@GetMapping("/blocking/{client}/{what}")
		String blocking(@PathVariable String client, @PathVariable String what) {
			return ProblemControllers.call(this.clients, client, what).block();
		}

		/** The same call with the client's RestClient (Spring MVC only). */
		@GetMapping("/rest/{client}/{what}")
		String rest(@PathVariable String client, @PathVariable String what) {
			return this.clients.get(client)
				.restClient()
				.get()
				.uri("/{what}?token=" + ProblemApp.QUERY_SECRET, what)
				.retrieve()
				.body(String.class);
		}

		/** A stream that fails with the client's error once it was committed. */
		@GetMapping(path = "/stream/{client}/{what}", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
		Flux<String> stream(@PathVariable String client, @PathVariable String what) {
			return Flux.concat(Flux.just("first"), ProblemControllers.call(this.clients, client, what));
		}

		/** The kind of thread a blocking call runs on. */
		@GetMapping("/thread")
		String thread() {
			return Thread.currentThread().toString();
		}

		/** An error of the application's own. */
		@GetMapping("/fails")
		String fails() {
			throw new IllegalStateException("the application's own error");
		}

		/**
		 * A call that fails with an upstream status, made by a WebClient of the
		 * application's own to a path no Sentinel client's base URL covers.
		 */
		@GetMapping("/other")
		Mono<String> other() {
			return this.plain.get().uri("/elsewhere/fail").retrieve().bodyToMono(String.class);
		}

	}

	/** A controller with an exception handler of its own. */
	@RestController
	static class LocallyHandledController {

		private final SentinelClients clients;

		LocallyHandledController(SentinelClients clients) {
			this.clients = clients;
		}

		@GetMapping("/local/{client}/{what}")
		Mono<String> call(@PathVariable String client, @PathVariable String what) {
			return ProblemControllers.call(this.clients, client, what);
		}

		@ExceptionHandler
		ResponseEntity<String> breakerOpen(CircuitOpenException ex) {
			return ResponseEntity.status(418).body("handled by the controller");
		}

	}

	/** An application-wide handler of every exception. */
	@RestControllerAdvice
	static class CatchAllAdvice {

		@ExceptionHandler
		ResponseEntity<String> anything(Exception ex) {
			return ResponseEntity.status(418).body("handled by the advice");
		}

	}

}
