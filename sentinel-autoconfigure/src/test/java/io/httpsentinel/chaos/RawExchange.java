package io.httpsentinel.chaos;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One HTTP/1.1 request over a plain socket and everything that came back, byte for byte,
 * with how the connection ended: what {@link FaultInjectingProxyTests} look at to prove
 * that the proxy does what each fault says, below any HTTP client's interpretation.
 *
 * @param received the bytes received
 * @param ending how the reading ended
 * @param elapsed time from sending the request to the ending
 */
record RawExchange(byte[] received, Ending ending, Duration elapsed) {

	/**
	 * How reading the response ended.
	 */
	enum Ending {

		/** The peer closed its side (FIN). */
		EOF,

		/** The peer reset the connection (RST). */
		RESET,

		/** Nothing more arrived within the read timeout. */
		SILENCE

	}

	/**
	 * Send a request and read until the connection ends or goes silent.
	 * @param socket an unconnected socket (plain or TLS)
	 * @param baseUrl where to connect
	 * @param request the whole request, e.g. {@code GET /json HTTP/1.1}, headers and a
	 * blank line
	 * @param silence how long a silence ends the reading
	 * @return what came back
	 * @throws IOException if the request cannot be sent
	 */
	static RawExchange of(Socket socket, URI baseUrl, String request, Duration silence) throws IOException {
		try (socket) {
			socket.connect(new InetSocketAddress(baseUrl.getHost(), baseUrl.getPort()), 5000);
			socket.setSoTimeout((int) silence.toMillis());
			long start = System.nanoTime();
			ByteArrayOutputStream received = new ByteArrayOutputStream();
			Ending ending;
			try {
				socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
				socket.getOutputStream().flush();
				ending = readAll(socket.getInputStream(), received);
			}
			catch (SocketException ex) {
				// Reset while sending, or while reading.
				ending = Ending.RESET;
			}
			return new RawExchange(received.toByteArray(), ending, Duration.ofNanos(System.nanoTime() - start));
		}
	}

	private static Ending readAll(InputStream in, ByteArrayOutputStream received) throws IOException {
		byte[] buffer = new byte[4096];
		try {
			for (int read = in.read(buffer); read != -1; read = in.read(buffer)) {
				received.write(buffer, 0, read);
			}
			return Ending.EOF;
		}
		catch (SocketTimeoutException ex) {
			return Ending.SILENCE;
		}
	}

	String text() {
		return new String(this.received, StandardCharsets.ISO_8859_1);
	}

	/**
	 * The bytes after the blank line that ends the headers.
	 * @return the body as received (chunk framing included)
	 */
	String body() {
		String text = text();
		int end = text.indexOf("\r\n\r\n");
		return (end < 0) ? "" : text.substring(end + 4);
	}

}
