package io.httpsentinel.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Speaks just enough RESP over a fresh socket to tell whether a Redis is up and to send a
 * command without a client library, each exchange bounded by a timeout.
 */
final class RespProbe {

	private static final long POLL_NANOS = Duration.ofMillis(10).toNanos();

	private RespProbe() {
	}

	static boolean ping(String host, int port, Duration timeout) {
		try {
			return "+PONG".equals(command(host, port, timeout, "PING"));
		}
		catch (IllegalStateException ex) {
			return false;
		}
	}

	/**
	 * Send one command and read the first line of its reply.
	 * @param host the Redis host
	 * @param port the Redis port
	 * @param timeout bound of the connection and of the reply
	 * @param arguments the command and its arguments
	 * @return the reply's first line, type marker included ({@code +OK}, {@code :1})
	 * @throws IllegalStateException when Redis cannot be reached or does not answer in
	 * time
	 */
	static String command(String host, int port, Duration timeout, String... arguments) {
		int millis = (int) Math.max(1, timeout.toMillis());
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), millis);
			socket.setSoTimeout(millis);
			OutputStream out = socket.getOutputStream();
			out.write(encode(arguments));
			out.flush();
			return readLine(socket.getInputStream());
		}
		catch (IOException ex) {
			throw new IllegalStateException("Redis at " + host + ":" + port + " did not answer " + arguments[0], ex);
		}
	}

	/**
	 * Poll until Redis answers {@code PING}.
	 * @param host the Redis host
	 * @param port the Redis port
	 * @param timeout how long to wait at most
	 * @param alive whether the Redis may still come up (false ends the wait early)
	 * @return whether it answered in time
	 */
	static boolean awaitPing(String host, int port, Duration timeout, BooleanSupplier alive) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (alive.getAsBoolean()) {
			if (ping(host, port, Duration.ofMillis(500))) {
				return true;
			}
			if (System.nanoTime() - deadline >= 0) {
				return false;
			}
			LockSupport.parkNanos(POLL_NANOS);
		}
		return false;
	}

	private static byte[] encode(String... arguments) {
		StringBuilder request = new StringBuilder().append('*').append(arguments.length).append("\r\n");
		for (String argument : arguments) {
			byte[] bytes = argument.getBytes(StandardCharsets.UTF_8);
			request.append('$').append(bytes.length).append("\r\n").append(argument).append("\r\n");
		}
		return request.toString().getBytes(StandardCharsets.UTF_8);
	}

	private static String readLine(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		int read;
		while ((read = in.read()) != -1 && read != '\r') {
			line.append((char) read);
		}
		if (read == -1) {
			throw new IOException("Connection closed before the reply ended");
		}
		return line.toString();
	}

}
