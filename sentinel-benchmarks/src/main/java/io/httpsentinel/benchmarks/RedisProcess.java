package io.httpsentinel.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway {@code redis-server} for the benchmarks: Debian's
 * {@code /usr/bin/redis-server} (or {@code -Dredis.server=<path>}) on a free port of
 * 127.0.0.1, in a temporary directory, without persistence ({@code --save ""}, no AOF).
 * It is stopped by its PID on {@link #close()} and, should the benchmark end any other
 * way, by a shutdown hook.
 */
public final class RedisProcess implements AutoCloseable {

	private final Process process;

	private final int port;

	private final Path directory;

	private final Thread shutdownHook;

	private RedisProcess(Process process, int port, Path directory) {
		this.process = process;
		this.port = port;
		this.directory = directory;
		this.shutdownHook = new Thread(this::stop, "redis-stop");
		Runtime.getRuntime().addShutdownHook(this.shutdownHook);
	}

	/**
	 * Start a server and wait until it answers {@code PING}.
	 * @return the running server
	 */
	public static RedisProcess start() throws IOException, InterruptedException {
		String executable = System.getProperty("redis.server", "/usr/bin/redis-server");
		if (!Files.isExecutable(Paths.get(executable))) {
			throw new IllegalStateException(executable + " not found: install Debian's redis-server package "
					+ "(apt-get install redis-server) or give its path with -Dredis.server=<path>");
		}
		int port = freePort();
		Path directory = Files.createTempDirectory("sentinel-bench-redis");
		Process process = new ProcessBuilder(executable, "--port", Integer.toString(port), "--bind", "127.0.0.1",
				"--save", "", "--appendonly", "no", "--dir", directory.toString(), "--loglevel", "warning")
			.redirectErrorStream(true)
			.redirectOutput(directory.resolve("redis.log").toFile())
			.start();
		RedisProcess redis = new RedisProcess(process, port, directory);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (true) {
			try {
				if (redis.command("PING").startsWith("+PONG")) {
					return redis;
				}
			}
			catch (IOException ex) {
				// Not listening yet.
			}
			if (!process.isAlive() || System.nanoTime() > deadline) {
				String log = Files.readString(directory.resolve("redis.log"));
				redis.close();
				throw new IllegalStateException("redis-server did not start:\n" + log);
			}
			Thread.sleep(20);
		}
	}

	/**
	 * @return the server's port on 127.0.0.1
	 */
	public int port() {
		return this.port;
	}

	/**
	 * @return {@code redis://127.0.0.1:<port>}
	 */
	public String url() {
		return "redis://127.0.0.1:" + this.port;
	}

	/**
	 * Forget every key, so that the next scenario starts from an empty store.
	 */
	public void flushAll() throws IOException {
		String reply = command("FLUSHALL");
		if (!reply.startsWith("+OK")) {
			throw new IOException("FLUSHALL answered " + reply);
		}
	}

	/**
	 * Send one inline command and read its one-line reply.
	 */
	private String command(String command) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port), 1000);
			socket.setSoTimeout(5000);
			OutputStream out = socket.getOutputStream();
			out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			StringBuilder reply = new StringBuilder();
			for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
				reply.append((char) c);
			}
			return reply.toString().trim();
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	private void stop() {
		// SIGTERM to the server's PID.
		this.process.destroy();
		try {
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
			try (Stream<Path> files = Files.walk(this.directory)) {
				for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
					Files.deleteIfExists(file);
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
		}
		catch (IOException ex) {
			// A temporary directory left behind.
		}
	}

	@Override
	public void close() {
		stop();
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// Shutting down already: the hook runs (or ran) stop() again, which is
			// harmless.
		}
	}

}
