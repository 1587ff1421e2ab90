package io.httpsentinel.client;

import java.net.URI;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Redactor}.
 */
class RedactorTests {

	private final Redactor redactor = Redactor.builtIn();

	@Test
	void wellKnownSecretHeadersAreRedactedWhateverTheirCase() {
		for (String name : List.of("Authorization", "proxy-authorization", "X-API-KEY", "api-key", "Cookie",
				"Set-Cookie", "x-goog-api-key", "Ocp-Apim-Subscription-Key", "X-Amz-Security-Token", "X-Auth-Token",
				"x-session-id")) {
			assertThat(this.redactor.isSecretHeader(name)).as(name).isTrue();
			assertThat(this.redactor.headerValue(name, "s3cr3t")).as(name).isEqualTo(Redactor.MASK);
		}
	}

	@Test
	void ordinaryHeadersAreShown() {
		for (String name : List.of("Content-Type", "anthropic-version", "x-ratelimit-remaining-tokens",
				"anthropic-ratelimit-tokens-remaining", "Retry-After", "x-request-id", "Keep-Alive", "monkey")) {
			assertThat(this.redactor.isSecretHeader(name)).as(name).isFalse();
			assertThat(this.redactor.headerValue(name, "v")).as(name).isEqualTo("v");
		}
	}

	@Test
	void secretQueryParametersAreRecognizedInEveryNotation() {
		for (String name : List.of("key", "api_key", "apikey", "apiKey", "APIKey", "api-key", "token", "access_token",
				"accessToken", "refresh_token", "client_secret", "password", "sig", "X-Amz-Signature",
				"X-Amz-Credential", "appid")) {
			assertThat(this.redactor.isSecretQueryParameter(name)).as(name).isTrue();
		}
		for (String name : List.of("city", "max_tokens", "units", "q", "keyword")) {
			assertThat(this.redactor.isSecretQueryParameter(name)).as(name).isFalse();
		}
	}

	@Test
	void configuredNamesAreRedactedIgnoringCase() {
		Redactor configured = Redactor.of(new RedactionSettings(Set.of("X-Tenant"), Set.of("Tenant")));
		assertThat(configured.isSecretHeader("x-tenant")).isTrue();
		assertThat(configured.isSecretQueryParameter("TENANT")).isTrue();
		assertThat(configured.isSecretHeader("tenant")).isFalse();
		assertThat(this.redactor.isSecretHeader("x-tenant")).isFalse();
	}

	@Test
	void uriLosesUserInfoFragmentAndSecretQueryValues() {
		URI uri = URI.create("https://user:pw@api.example.com:8443/v1/weather?city=Oslo&key=abc&api%5Fkey=def"
				+ "&flag&token=&units=metric#frag");
		assertThat(this.redactor.uri(uri)).isEqualTo("https://api.example.com:8443/v1/weather?city=Oslo&key=******"
				+ "&api%5Fkey=******&flag&token=******&units=metric");
	}

	@Test
	void uriWithoutQueryIsShownAsItIs() {
		assertThat(this.redactor.uri(URI.create("http://127.0.0.1:8081/v1/current/Oslo")))
			.isEqualTo("http://127.0.0.1:8081/v1/current/Oslo");
	}

	@Test
	void hostIsHostAndExplicitPortOnly() {
		assertThat(this.redactor.host(URI.create("https://user:pw@api.example.com/v1?key=1")))
			.isEqualTo("api.example.com");
		assertThat(this.redactor.host(URI.create("http://127.0.0.1:8081"))).isEqualTo("127.0.0.1:8081");
	}

	@Test
	void headersAreCopiedWithSecretValuesMasked() {
		HttpHeaders headers = new HttpHeaders();
		headers.add("Authorization", "Bearer abc");
		headers.add("Accept", "text/plain");
		headers.add("Set-Cookie", "a=1");
		headers.add("Set-Cookie", "b=2");
		assertThat(this.redactor.headers(headers)).containsEntry("Authorization", List.of(Redactor.MASK))
			.containsEntry("Accept", List.of("text/plain"))
			.containsEntry("Set-Cookie", List.of(Redactor.MASK));
	}

}
