package io.httpsentinel.autoconfigure.web;

/**
 * Problem details in a WebFlux application on Reactor Netty.
 */
class WebFluxProblemDetailsTests extends ProblemDetailsTests {

	@Override
	ProblemApp.Builder application() {
		return ProblemApp.reactive();
	}

}
