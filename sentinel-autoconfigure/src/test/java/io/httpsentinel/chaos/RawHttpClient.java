package io.httpsentinel.chaos;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * An HTTP/1.x client on a plain socket, so that a test controls every byte of the request
 * (headers no HTTP library would send) and reads the responses as the server wrote them:
 * one write of the given bytes, then as many responses as asked for (more than one for
 * pipelined requests), all within one deadline.
 */
final class RawHttpClient {

	private RawHttpClient() {
	}

	/**
	 * Send the request bytes on a new connection and read responses.
	 * @param port the server's port on loopback
	 * @param request the bytes of one or more requests
	 * @param responses how many responses to read
	 * @param timeout the deadline for all of them
	 * @return the responses, one per expected response ({@link Response#NONE} when the
	 * connection closed before it, {@link Response#TIMED_OUT} after the deadline)
	 * @throws IOException if the connection cannot be opened
	 */
	static List<Response> exchange(int port, byte[] request, int responses, Duration timeout) throws IOException {
		long deadline = System.nanoTime() + timeout.toNanos();
		List<Response> read = new ArrayList<>();
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
			socket.setTcpNoDelay(true);
			try {
				OutputStream out = socket.getOutputStream();
				out.write(request);
				out.flush();
			}
			catch (IOException ex) {
				// The server may answer (431) and close before it read everything.
			}
			InputStream in = new BufferedInputStream(socket.getInputStream());
			boolean open = true;
			while (read.size() < responses) {
				Response response = open ? readResponse(socket, in, deadline) : Response.NONE;
				read.add(response);
				open = response.status() > 0 && !response.closesConnection();
			}
		}
		return read;
	}

	private static Response readResponse(Socket socket, InputStream in, long deadline) throws IOException {
		try {
			byte[] headBytes = readHead(socket, in, deadline);
			if (headBytes == null) {
				return Response.NONE;
			}
			String head = new String(headBytes, StandardCharsets.ISO_8859_1);
			int status = Integer.parseInt(head.substring(9, 12));
			Response response = new Response(status, head, new byte[0]);
			ByteArrayOutputStream body = new ByteArrayOutputStream();
			if ("chunked".equalsIgnoreCase(response.header("Transfer-Encoding"))) {
				readChunked(socket, in, deadline, body);
			}
			else if (response.header("Content-Length") != null) {
				readFully(socket, in, deadline, body, Long.parseLong(response.header("Content-Length").trim()));
			}
			else if (status >= 200 && status != 204 && status != 304) {
				readFully(socket, in, deadline, body, Long.MAX_VALUE);
			}
			return new Response(status, head, body.toByteArray());
		}
		catch (SocketTimeoutException ex) {
			return Response.TIMED_OUT;
		}
		catch (IOException | RuntimeException ex) {
			// A reset, or a malformed response.
			return Response.NONE;
		}
	}

	private static byte @Nullable [] readHead(Socket socket, InputStream in, long deadline) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		while (head.size() < 4 || !endsWithBlankLine(head.toByteArray())) {
			int b = read(socket, in, deadline);
			if (b < 0) {
				return null;
			}
			head.write(b);
		}
		return head.toByteArray();
	}

	private static boolean endsWithBlankLine(byte[] bytes) {
		int n = bytes.length;
		return bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r' && bytes[n - 1] == '\n';
	}

	private static void readChunked(Socket socket, InputStream in, long deadline, ByteArrayOutputStream body)
			throws IOException {
		for (;;) {
			String sizeLine = readLine(socket, in, deadline);
			int size = Integer.parseInt(sizeLine.split(";", 2)[0].trim(), 16);
			if (size == 0) {
				// Trailers, up to the blank line.
				while (!readLine(socket, in, deadline).isEmpty()) {
				}
				return;
			}
			readFully(socket, in, deadline, body, size);
			readLine(socket, in, deadline);
		}
	}

	private static String readLine(Socket socket, InputStream in, long deadline) throws IOException {
		StringBuilder line = new StringBuilder();
		for (;;) {
			int b = read(socket, in, deadline);
			if (b < 0) {
				throw new IOException("Connection closed in a chunked body");
			}
			if (b == '\n') {
				int end = line.length();
				return (end > 0 && line.charAt(end - 1) == '\r') ? line.substring(0, end - 1) : line.toString();
			}
			line.append((char) b);
		}
	}

	private static void readFully(Socket socket, InputStream in, long deadline, ByteArrayOutputStream body, long length)
			throws IOException {
		byte[] buffer = new byte[8192];
		long left = length;
		while (left > 0) {
			socket.setSoTimeout(remainingMillis(deadline));
			int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
			if (n < 0) {
				if (length == Long.MAX_VALUE) {
					return;
				}
				throw new IOException("Connection closed in a body");
			}
			body.write(buffer, 0, n);
			left -= n;
		}
	}

	private static int read(Socket socket, InputStream in, long deadline) throws IOException {
		socket.setSoTimeout(remainingMillis(deadline));
		return in.read();
	}

	private static int remainingMillis(long deadline) throws SocketTimeoutException {
		long left = (deadline - System.nanoTime()) / 1_000_000;
		if (left <= 0) {
			throw new SocketTimeoutException("Deadline passed");
		}
		return (int) Math.min(Integer.MAX_VALUE, left);
	}

	/**
	 * A response as read.
	 *
	 * @param status the status code, {@code -1} when the connection closed (or was reset)
	 * before a complete response, {@code -2} when the deadline passed
	 * @param head the status line and headers
	 * @param body the body (chunked encoding removed)
	 */
	record Response(int status, String head, byte[] body) {

		static final Response NONE = new Response(-1, "", new byte[0]);

		static final Response TIMED_OUT = new Response(-2, "", new byte[0]);

		@Nullable String header(String name) {
			for (String line : this.head.split("\r\n")) {
				int colon = line.indexOf(':');
				if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
					return line.substring(colon + 1).trim();
				}
			}
			return null;
		}

		boolean isClientError() {
			return this.status >= 400 && this.status < 500;
		}

		boolean closesConnection() {
			String connection = header("Connection");
			return this.head.startsWith("HTTP/1.0")
					|| (connection != null && connection.toLowerCase(Locale.ROOT).contains("close"))
					|| (header("Transfer-Encoding") == null && header("Content-Length") == null);
		}

		String bodyText() {
			return new String(this.body, StandardCharsets.UTF_8);
		}

		@Override
		public String toString() {
			return switch (this.status) {
				case -1 -> "closed without a response";
				case -2 -> "no response in time";
				default -> this.head.split("\r\n", 2)[0];
			};
		}

	}

}
