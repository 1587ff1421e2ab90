package io.httpsentinel.client.pool;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPOutputStream;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.NettyPipeline;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;

import io.httpsentinel.testsupport.LoopbackServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client's decompressor against a real loopback server, over HTTP/1.1 and cleartext
 * HTTP/2: encoded responses are decoded, others pass as they are, one after the other on
 * the same connection.
 */
class ResponseDecompressorTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String TEXT = "data: " + "tokens ".repeat(200) + "\n\n";

	private final ConnectionProvider provider = ConnectionProvider.create("decompressor-test", 1);

	private final List<String> decompressors = new CopyOnWriteArrayList<>();

	private LoopbackServer server;

	@AfterEach
	void stop() {
		this.provider.dispose();
		if (this.server != null) {
			this.server.close();
		}
	}

	@ParameterizedTest
	@ValueSource(booleans = { false, true })
	void decodesEncodedResponsesAndPassesTheOthersOnOneConnection(boolean http2) throws IOException {
		byte[] gzipped = gzip(TEXT);
		this.server = LoopbackServer.start(
				HttpServer.create()
					.protocol(HttpProtocol.HTTP11, HttpProtocol.H2C)
					.route((routes) -> routes
						.get("/gzip", (request, response) -> response.header("Content-Encoding", "gzip")
							// In pieces, so that the decoder sees several chunks.
							.send(Flux.range(0, 4)
								.map((i) -> Unpooled.wrappedBuffer(gzipped, i * gzipped.length / 4,
										(i + 1) * gzipped.length / 4 - i * gzipped.length / 4))))
						.get("/identity",
								(request, response) -> response.header("Content-Encoding", "identity")
									.sendString(Mono.just(TEXT)))
						.get("/plain",
								(request, response) -> response.sendString(Flux.just("data: a\n\n", "data: b\n\n")))),
				"http");
		HttpClient client = HttpClientFactory
			.create("upstream", this.server.baseUrl(), http2, TimeoutSettings.DEFAULTS, SslSettings.DEFAULTS,
					this.provider, null)
			.baseUrl(this.server.baseUrl().toString())
			.doOnResponse((response, connection) -> this.decompressors
				.add(connection.channel().pipeline().get(NettyPipeline.HttpDecompressor).getClass().getSimpleName()
						+ (connection.channel().pipeline().get(ResponseDecompressor.DECODER) != null ? "+decoder"
								: "")));
		for (String path : List.of("/plain", "/gzip", "/identity", "/gzip", "/plain")) {
			assertThat(get(client, path)).as(path).isEqualTo(path.equals("/plain") ? "data: a\n\ndata: b\n\n" : TEXT);
		}
		// Netty's decoder is behind ours only while an encoded response is read. The
		// first
		// exchange of cleartext HTTP/2 is the HTTP/1.1 upgrade, with Netty's
		// decompressor.
		assertThat(this.decompressors.subList(1, 5)).containsExactly("ResponseDecompressor+decoder",
				"ResponseDecompressor", "ResponseDecompressor+decoder", "ResponseDecompressor");
		assertThat(this.decompressors.get(0)).isEqualTo(http2 ? "HttpContentDecompressor" : "ResponseDecompressor");
	}

	private static String get(HttpClient client, String path) {
		return client.get().uri(path).responseContent().aggregate().asString(StandardCharsets.UTF_8).block(TIMEOUT);
	}

	private static byte[] gzip(String text) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
			gzip.write(text.getBytes(StandardCharsets.UTF_8));
		}
		return bytes.toByteArray();
	}

}
