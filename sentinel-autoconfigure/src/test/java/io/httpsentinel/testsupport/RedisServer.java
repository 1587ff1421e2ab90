package io.httpsentinel.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} process (Debian's package {@code redis-server}) on
 * 127.0.0.1 and a free port, with a throwaway directory and no persistence, stopped by
 * its PID. {@link #start()} skips the calling test when {@code redis-server} is not
 * installed. Close it in an {@code @AfterEach} (or use {@link RedisTest}, which does).
 */
public final class RedisServer implements RedisTarget {

	/**
	 * Why a test was skipped on a machine without Redis.
	 */
	public static final String NOT_INSTALLED = "redis-server not found: install Debian's package redis-server "
			+ "(apt-get install redis-server)";

	private static final String HOST = "127.0.0.1";

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

	private static final int PORT_ATTEMPTS = 5;

	private final Path executable;

	private final int port;

	private Process process;

	private Path directory;

	private boolean paused;

	private RedisServer(Path executable, int port) {
		this.executable = executable;
		this.port = port;
	}

	/**
	 * Start a Redis on a free loopback port and wait until it answers {@code PING}; skip
	 * the calling test (a JUnit assumption) when {@code redis-server} is not installed.
	 * @return the running Redis
	 */
	public static RedisServer start() {
		Path executable = findExecutable();
		Assumptions.assumeTrue(executable != null, NOT_INSTALLED);
		// Another process may take the free port between the probe and Redis's bind: try
		// again.
		for (int attempt = 1;; attempt++) {
			RedisServer server = new RedisServer(executable, freePort());
			if (server.startProcess()) {
				return server;
			}
			if (attempt == PORT_ATTEMPTS) {
				throw new IllegalStateException("redis-server found no free port in " + PORT_ATTEMPTS + " attempts");
			}
		}
	}

	/**
	 * Whether {@code redis-server} is installed (on the {@code PATH} or in /usr/bin).
	 * @return whether {@link #start()} can start one
	 */
	public static boolean isInstalled() {
		return findExecutable() != null;
	}

	@Override
	public String name() {
		return "redis-server";
	}

	@Override
	public String host() {
		return HOST;
	}

	@Override
	public int port() {
		return this.port;
	}

	/**
	 * The PID of the running process, to check from outside that it is gone.
	 * @return the PID of the last process started
	 */
	public synchronized long pid() {
		return this.process.pid();
	}

	@Override
	public synchronized void kill() {
		this.process.destroyForcibly();
		this.paused = false;
		awaitExit();
	}

	@Override
	public synchronized void pause() {
		signal("STOP");
		awaitState(true);
		this.paused = true;
	}

	@Override
	public synchronized void resume() {
		signal("CONT");
		awaitState(false);
		this.paused = false;
	}

	@Override
	public synchronized void restart() {
		close();
		if (!startProcess()) {
			throw new IllegalStateException("redis-server could not bind port " + this.port + " again");
		}
	}

	/**
	 * Stop Redis ({@code SIGTERM}, then {@code SIGKILL} when it does not exit in time),
	 * wait for the process to end and delete its directory.
	 */
	public synchronized void stop() {
		if (this.paused && this.process.isAlive()) {
			// A stopped process would keep SIGTERM pending until continued.
			resume();
		}
		this.paused = false;
		this.process.destroy();
		awaitExit();
	}

	@Override
	public void close() {
		stop();
	}

	@Override
	public String toString() {
		return "redis-server at " + HOST + ":" + this.port;
	}

	/**
	 * Start the process on {@link #port} and wait until it answers.
	 * @return whether it runs; false when the port was taken
	 */
	private boolean startProcess() {
		try {
			this.directory = Files.createTempDirectory("sentinel-redis-");
			File log = this.directory.resolve("redis.log").toFile();
			this.process = new ProcessBuilder(List.of(this.executable.toString(), "--port", Integer.toString(this.port),
					"--bind", HOST, "--protected-mode", "no", "--dir", this.directory.toString(), "--save", "",
					"--appendonly", "no", "--daemonize", "no", "--logfile", ""))
				.redirectErrorStream(true)
				.redirectOutput(log)
				.start();
			if (RespProbe.awaitPing(HOST, this.port, START_TIMEOUT, this.process::isAlive)) {
				return true;
			}
			String output = Files.readString(log.toPath(), StandardCharsets.UTF_8);
			stop();
			if (output.contains("Address already in use")) {
				return false;
			}
			throw new IllegalStateException("redis-server did not answer PING on port " + this.port + ":\n" + output);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start " + this.executable, ex);
		}
	}

	private void awaitExit() {
		try {
			if (!this.process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				this.process.destroyForcibly();
				if (!this.process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
					throw new IllegalStateException("redis-server " + this.process.pid() + " did not exit");
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while stopping redis-server", ex);
		}
		deleteDirectory();
	}

	private void signal(String signal) {
		try {
			Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(this.process.pid())).start();
			if (!kill.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || kill.exitValue() != 0) {
				throw new IllegalStateException("kill -" + signal + " " + this.process.pid() + " failed");
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while signalling redis-server", ex);
		}
	}

	/**
	 * Wait until the kernel shows the process stopped (state {@code T}) or running again,
	 * so that a test's next step sees the fault in force; without /proc, trust the
	 * signal.
	 */
	private void awaitState(boolean stopped) {
		Path stat = Path.of("/proc", Long.toString(this.process.pid()), "stat");
		long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
		while (Files.isReadable(stat) && isStopped(stat) != stopped) {
			if (System.nanoTime() - deadline >= 0) {
				throw new IllegalStateException(
						"redis-server " + this.process.pid() + " did not " + (stopped ? "stop" : "continue"));
			}
			LockSupport.parkNanos(Duration.ofMillis(1).toNanos());
		}
	}

	private static boolean isStopped(Path stat) {
		try {
			String line = Files.readString(stat);
			// pid (comm) state ...: comm may hold spaces and parentheses, the state
			// follows the last ')'.
			char state = line.charAt(line.lastIndexOf(')') + 2);
			return state == 'T' || state == 't';
		}
		catch (IOException ex) {
			return false;
		}
	}

	private void deleteDirectory() {
		if (this.directory == null) {
			return;
		}
		try (Stream<Path> paths = Files.walk(this.directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.directory = null;
	}

	private static Path findExecutable() {
		String path = System.getenv("PATH");
		Stream<Path> candidates = Stream.concat((path != null)
				? Stream.of(path.split(File.pathSeparator)).map((dir) -> Path.of(dir, "redis-server")) : Stream.empty(),
				Stream.of(Path.of("/usr/bin/redis-server")));
		return candidates.filter(Files::isExecutable).findFirst().orElse(null);
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
