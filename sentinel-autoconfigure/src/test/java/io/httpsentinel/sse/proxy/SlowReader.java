package io.httpsentinel.sse.proxy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * A downstream client that requests a stream, reads its status line, then nothing more:
 * with a small receive buffer, the server's writes soon block.
 */
final class SlowReader implements AutoCloseable {

	private final Socket socket = new Socket();

	private SlowReader(URI url) throws Exception {
		this.socket.setReceiveBufferSize(4096);
		this.socket.connect(new InetSocketAddress(url.getHost(), url.getPort()), 5000);
		OutputStream out = this.socket.getOutputStream();
		out.write(("GET " + url.getPath() + " HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII));
		out.flush();
		byte[] head = this.socket.getInputStream().readNBytes(12);
		assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
	}

	static SlowReader open(URI url) throws Exception {
		return new SlowReader(url);
	}

	/**
	 * Read on, and find the connection closed by the server once what the socket buffers
	 * held is read.
	 */
	void assertClosedByServer() throws Exception {
		this.socket.setSoTimeout((int) Downstream.TIMEOUT.toMillis());
		InputStream in = this.socket.getInputStream();
		byte[] buffer = new byte[65536];
		assertThatCode(() -> {
			while (in.read(buffer) != -1) {
				// What the socket buffers held.
			}
		}).doesNotThrowAnyExceptionExcept(SocketException.class);
	}

	@Override
	public void close() throws Exception {
		this.socket.close();
	}

}
