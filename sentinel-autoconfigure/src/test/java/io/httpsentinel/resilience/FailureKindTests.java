package io.httpsentinel.resilience;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.netty.http.client.PrematureCloseException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import io.httpsentinel.client.pool.PoolAcquireTimeoutException;
import io.httpsentinel.client.pool.ResponseHeadersTimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FailureKind}.
 */
class FailureKindTests {

	@Test
	void refusedConnectionIsAConnectFailure() {
		assertThat(FailureKind.of(new ConnectException("Connection refused"))).isEqualTo(FailureKind.CONNECT);
	}

	@Test
	void nettyConnectTimeoutIsAConnectFailure() {
		assertThat(FailureKind.of(new ConnectTimeoutException("connection timed out"))).isEqualTo(FailureKind.CONNECT);
	}

	@Test
	void unknownHostIsAConnectFailure() {
		assertThat(FailureKind.of(new UnknownHostException("api.example.invalid"))).isEqualTo(FailureKind.CONNECT);
	}

	@Test
	void unresolvedAddressIsAConnectFailure() {
		assertThat(FailureKind.of(new UnresolvedAddressException())).isEqualTo(FailureKind.CONNECT);
	}

	@Test
	void wrappedErrorIsClassifiedByItsCause() {
		WebClientRequestException wrapped = new WebClientRequestException(new ConnectException("Connection refused"),
				HttpMethod.POST, URI.create("https://api.example.com/v1"), new HttpHeaders());
		assertThat(FailureKind.of(wrapped)).isEqualTo(FailureKind.CONNECT);
	}

	@Test
	void poolAcquireTimeoutIsItsOwnKind() {
		PoolAcquireTimeoutException error = new PoolAcquireTimeoutException("llm", Duration.ofSeconds(5),
				new TimeoutException());
		assertThat(FailureKind.of(error)).isEqualTo(FailureKind.POOL_ACQUIRE_TIMEOUT);
	}

	@Test
	void responseHeadersTimeoutIsItsOwnKind() {
		assertThat(FailureKind.of(new ResponseHeadersTimeoutException("llm", Duration.ofSeconds(60))))
			.isEqualTo(FailureKind.RESPONSE_HEADERS_TIMEOUT);
	}

	@Test
	void prematureCloseIsAResetBeforeTheResponse() {
		assertThat(FailureKind.of(PrematureCloseException.TEST_EXCEPTION)).isEqualTo(FailureKind.RESET_BEFORE_RESPONSE);
	}

	@Test
	void connectionResetIsAResetBeforeTheResponse() {
		assertThat(FailureKind.of(new IOException("Connection reset by peer")))
			.isEqualTo(FailureKind.RESET_BEFORE_RESPONSE);
	}

	@Test
	void certificateFailureIsNotRetryable() {
		SSLHandshakeException error = new SSLHandshakeException("PKIX path building failed");
		assertThat(FailureKind.of(error)).isEqualTo(FailureKind.OTHER);
	}

	@Test
	void tlsHandshakeTimeoutIsItsOwnKind() {
		assertThat(FailureKind.of(new SslHandshakeTimeoutException("handshake timed out after 10000ms")))
			.isEqualTo(FailureKind.TLS_HANDSHAKE_TIMEOUT);
	}

	@Test
	void refusedHttp2StreamIsItsOwnKind() {
		assertThat(FailureKind.of(new Http2Exception(Http2Error.REFUSED_STREAM))).isEqualTo(FailureKind.REFUSED_STREAM);
	}

	@Test
	void otherHttp2ErrorsAreNotRetryable() {
		assertThat(FailureKind.of(new Http2Exception(Http2Error.PROTOCOL_ERROR))).isEqualTo(FailureKind.OTHER);
	}

	@ParameterizedTest
	@MethodSource("localRejections")
	void localRejectionsAreRejectedLocally(Throwable error) {
		assertThat(FailureKind.of(error)).isEqualTo(FailureKind.REJECTED_LOCALLY);
	}

	static Stream<Throwable> localRejections() {
		return Stream.of(new CircuitOpenException("llm", null),
				new HostPausedException("llm", Instant.parse("2026-03-01T12:00:00Z")),
				new RateLimitExceededException("llm", Duration.ofSeconds(2), Duration.ofSeconds(1)));
	}

	@Test
	void unknownErrorIsOther() {
		assertThat(FailureKind.of(new IllegalStateException("bug"))).isEqualTo(FailureKind.OTHER);
	}

	@Test
	void cyclicCauseChainIsClassifiedWithoutHanging() {
		IllegalStateException first = new IllegalStateException("first");
		IllegalArgumentException second = new IllegalArgumentException("second", first);
		first.initCause(second);
		CompletableFuture<FailureKind> kind = CompletableFuture.supplyAsync(() -> FailureKind.of(first));
		assertThat(kind).succeedsWithin(Duration.ofSeconds(2)).isEqualTo(FailureKind.OTHER);
	}

	@ParameterizedTest
	@CsvSource({ "CONNECT, true, true, true", "TLS_HANDSHAKE_TIMEOUT, true, true, true",
			"POOL_ACQUIRE_TIMEOUT, true, false, true", "REFUSED_STREAM, true, false, true",
			"RESET_BEFORE_RESPONSE, false, true, true", "RESPONSE_HEADERS_TIMEOUT, false, true, true",
			"REJECTED_LOCALLY, true, false, false", "OTHER, false, false, false" })
	void flagsAreAsDeclared(FailureKind kind, boolean neverReachedServer, boolean upstreamFault, boolean retryable) {
		assertThat(kind.neverReachedServer()).isEqualTo(neverReachedServer);
		assertThat(kind.upstreamFault()).isEqualTo(upstreamFault);
		assertThat(kind.retryable()).isEqualTo(retryable);
	}

}
