package io.httpsentinel.chaos;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.httpsentinel.chaos.RawExchange.Ending;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Proves, one fault at a time and below any HTTP client, that {@link FaultInjectingProxy}
 * does to the bytes on the wire what each {@link Fault} says.
 */
class FaultInjectingProxyTests {

	private static final String GET_JSON = "GET /json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

	private static final Duration SILENCE = Duration.ofMillis(700);

	private final ChaosUpstream upstream = new ChaosUpstream();

	private FaultInjectingProxy proxy = FaultInjectingProxy.start(this.upstream.baseUrl(), FaultPlan.none());

	@AfterEach
	void stop() {
		this.proxy.close();
		this.upstream.close();
	}

	@Test
	void requestWithoutAFaultIsForwardedAndItsResponseReturnedWhole() throws IOException {
		RawExchange exchange = get();
		assertThat(exchange.text()).startsWith("HTTP/1.1 200 OK\r\n")
			.containsIgnoringCase("content-length: " + ChaosUpstream.JSON.getBytes().length);
		assertThat(exchange.body()).isEqualTo(new String(ChaosUpstream.JSON.getBytes(), "ISO-8859-1"));
		// Kept alive: the connection goes silent rather than closing.
		assertThat(exchange.ending()).isEqualTo(Ending.SILENCE);
		assertThat(this.upstream.requests()).isEqualTo(1);
	}

	@Test
	void refusedConnectionIsResetBeforeAnythingIsRead() throws IOException {
		RawExchange exchange = getWith(Fault.REFUSED);
		assertThat(exchange.ending()).isEqualTo(Ending.RESET);
		assertThat(exchange.received()).isEmpty();
		assertThat(this.upstream.requests()).isZero();
	}

	@Test
	void resetBeforeTheResponseComesAfterTheUpstreamProcessedTheRequest() throws IOException {
		RawExchange exchange = getWith(Fault.RESET_BEFORE_RESPONSE);
		assertThat(exchange.ending()).isEqualTo(Ending.RESET);
		assertThat(exchange.received()).isEmpty();
		assertThat(this.upstream.requests()).isEqualTo(1);
	}

	@Test
	void resetInTheMiddleOfTheBodyComesAfterHalfOfIt() throws IOException {
		RawExchange exchange = getWith(Fault.RESET_MID_BODY);
		assertThat(exchange.ending()).isEqualTo(Ending.RESET);
		assertThat(exchange.text()).startsWith("HTTP/1.1 200 OK\r\n");
		assertThat(exchange.body()).hasSize(ChaosUpstream.JSON.getBytes().length / 2);
	}

	@Test
	void unavailableWithRetryAfterInSecondsAnswersForTheUpstream() throws IOException {
		RawExchange exchange = getWith(Fault.UNAVAILABLE_RETRY_AFTER_SECONDS);
		assertThat(exchange.text()).startsWith("HTTP/1.1 503 Service Unavailable\r\n").contains("Retry-After: 1\r\n");
		assertThat(this.upstream.requests()).isZero();
	}

	@Test
	void unavailableWithRetryAfterAsAnHttpDateAsksForAWaitOfAboutOneSecond() throws IOException {
		RawExchange exchange = getWith(Fault.UNAVAILABLE_RETRY_AFTER_DATE);
		assertThat(exchange.text()).startsWith("HTTP/1.1 503 ");
		Matcher date = Pattern.compile("Retry-After: ([^\r]+)\r\n").matcher(exchange.text());
		assertThat(date.find()).isTrue();
		ZonedDateTime after = ZonedDateTime.parse(date.group(1), DateTimeFormatter.RFC_1123_DATE_TIME);
		assertThat(after).isBetween(ZonedDateTime.now().minusSeconds(1), ZonedDateTime.now().plusSeconds(2));
		assertThat(this.upstream.requests()).isZero();
	}

	@Test
	void tooManyRequestsCarriesRetryAfterInMilliseconds() throws IOException {
		RawExchange exchange = getWith(Fault.TOO_MANY_REQUESTS_RETRY_AFTER_MS);
		assertThat(exchange.text()).startsWith("HTTP/1.1 429 Too Many Requests\r\n")
			.contains("retry-after-ms: 100\r\n");
		assertThat(this.upstream.requests()).isZero();
	}

	@Test
	void stallBeforeTheHeadersSendsNothingAfterForwarding() throws IOException {
		RawExchange exchange = getWith(Fault.STALL_BEFORE_HEADERS);
		assertThat(exchange.ending()).isEqualTo(Ending.SILENCE);
		assertThat(exchange.received()).isEmpty();
		assertThat(this.upstream.requests()).isEqualTo(1);
	}

	@Test
	void stallInTheMiddleOfTheBodySendsHalfOfItThenNothing() throws IOException {
		RawExchange exchange = getWith(Fault.STALL_MID_BODY);
		assertThat(exchange.ending()).isEqualTo(Ending.SILENCE);
		assertThat(exchange.body()).hasSize(ChaosUpstream.JSON.getBytes().length / 2);
	}

	@Test
	void slowDripSendsTheWholeResponseInPiecesFarApart() throws IOException {
		RawExchange exchange = getWith(Fault.SLOW_DRIP);
		assertThat(exchange.body()).isEqualTo(new String(ChaosUpstream.JSON.getBytes(), "ISO-8859-1"));
		long dripMillis = FaultyExchanges.DRIP_PIECES * FaultyExchanges.DRIP_GAP_MILLIS;
		assertThat(exchange.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(dripMillis));
	}

	@Test
	void truncatedChunkedBodyEndsCleanlyInTheMiddleOfAChunkWithoutTheLastChunk() throws IOException {
		RawExchange exchange = getWith(Fault.TRUNCATED_CHUNKED);
		assertThat(exchange.ending()).isEqualTo(Ending.EOF);
		assertThat(exchange.text()).containsIgnoringCase("transfer-encoding: chunked");
		int length = ChaosUpstream.JSON.getBytes().length;
		assertThat(exchange.body()).startsWith(Integer.toHexString(length) + "\r\n")
			.hasSize(Integer.toHexString(length).length() + 2 + length / 2)
			.doesNotEndWith("0\r\n\r\n");
	}

	@Test
	void halfCloseEndsTheProxysSideWithoutAResponseAndKeepsTheConnectionOpen() throws IOException {
		try (Socket socket = new Socket()) {
			this.proxy.plan().force(Fault.HALF_CLOSE);
			RawExchange exchange = RawExchange.of(socket, this.proxy.baseUrl(), GET_JSON, SILENCE);
			assertThat(exchange.ending()).isEqualTo(Ending.EOF);
			assertThat(exchange.received()).isEmpty();
		}
		assertThat(this.upstream.requests()).isEqualTo(1);
	}

	@Test
	void notHttpSendsBytesThatAreNoStatusLineAndCloses() throws IOException {
		RawExchange exchange = getWith(Fault.NOT_HTTP);
		assertThat(exchange.ending()).isEqualTo(Ending.EOF);
		assertThat(exchange.text()).startsWith("SSH-2.0-").doesNotContain("HTTP/1.1");
	}

	@Test
	void tlsHandshakeStallNeverAnswersTheClientHelloWhileOtherConnectionsHandshake(@TempDir Path directory)
			throws Exception {
		this.proxy.close();
		this.proxy = FaultInjectingProxy.startTls(this.upstream.baseUrl(), FaultPlan.none(), directory);
		this.proxy.plan().force(Fault.TLS_HANDSHAKE_STALL);
		SSLContext trustAll = SSLContext.getInstance("TLS");
		trustAll.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
		try (SSLSocket stalled = (SSLSocket) trustAll.getSocketFactory().createSocket()) {
			stalled.connect(new java.net.InetSocketAddress("127.0.0.1", this.proxy.baseUrl().getPort()));
			stalled.setSoTimeout((int) SILENCE.toMillis());
			assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(stalled::startHandshake);
		}
		RawExchange exchange = RawExchange.of(trustAll.getSocketFactory().createSocket(), this.proxy.baseUrl(),
				GET_JSON, SILENCE);
		assertThat(exchange.text()).startsWith("HTTP/1.1 200 OK\r\n");
	}

	private RawExchange getWith(Fault fault) throws IOException {
		this.proxy.plan().force(fault);
		RawExchange exchange = get();
		assertThat(this.proxy.plan().injected()).containsEntry(fault, 1L);
		return exchange;
	}

	private RawExchange get() throws IOException {
		return RawExchange.of(new Socket(), this.proxy.baseUrl(), GET_JSON, SILENCE);
	}

}
