package io.httpsentinel.resilience;

import java.net.URI;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Backend#url(String)}: the URL of a request on a backend, parsed once
 * per path and kept only where that is safe and bounded.
 */
class BackendUrlTests {

	private final Backend backend = new Backend(BackendEndpoint.of(URI.create("http://127.0.0.1:8002/v1/")));

	@Test
	void urlIsTheBackendsBaseFollowedByThePathBelowTheClientsBase() {
		assertThat(this.backend.url("/chat/completions")).hasToString("http://127.0.0.1:8002/v1/chat/completions");
		assertThat(this.backend.url("")).hasToString("http://127.0.0.1:8002/v1");
	}

	@Test
	void samePathIsParsedOnce() {
		assertThat(this.backend.url("/chat/completions")).isSameAs(this.backend.url("/chat/completions"));
	}

	@Test
	void pathWithAQueryOrAFragmentIsParsedEachTimeAndNotKept() {
		URI first = this.backend.url("/models?api-key=secret");
		assertThat(this.backend.url("/models?api-key=secret")).isEqualTo(first)
			.isNotSameAs(first)
			.hasToString("http://127.0.0.1:8002/v1/models?api-key=secret");
		URI withFragment = this.backend.url("/models#top");
		assertThat(this.backend.url("/models#top")).isEqualTo(withFragment).isNotSameAs(withFragment);
	}

	@Test
	void atMostALimitedNumberOfPathsIsKept() {
		for (int i = 0; i < Backend.MAX_KEPT_URLS; i++) {
			String path = "/models/" + i;
			assertThat(this.backend.url(path)).isSameAs(this.backend.url(path));
		}
		URI beyond = this.backend.url("/models/one-too-many");
		assertThat(this.backend.url("/models/one-too-many")).isEqualTo(beyond)
			.isNotSameAs(beyond)
			.hasToString("http://127.0.0.1:8002/v1/models/one-too-many");
	}

}
