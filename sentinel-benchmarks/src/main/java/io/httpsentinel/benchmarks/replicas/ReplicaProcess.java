package io.httpsentinel.benchmarks.replicas;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ReplicaApp} in a JVM of its own, as {@link ReplicasSimulation} drives it: its
 * commands go to the app's standard input, its {@code READY} and {@code RESULT} lines
 * come back from its standard output; every other line is printed with the replica's
 * name. A replica that ends before it is ready fails with its last lines of output (an
 * unknown property, for instance).
 */
final class ReplicaProcess implements AutoCloseable {

	private static final int LINES_KEPT = 40;

	private final String name;

	private final Process process;

	private final CompletableFuture<Void> ready = new CompletableFuture<>();

	private final CompletableFuture<String> result = new CompletableFuture<>();

	/** Guarded by itself. */
	private final ArrayDeque<String> lastLines = new ArrayDeque<>();

	private ReplicaProcess(String name, Process process) {
		this.name = name;
		this.process = process;
		Thread output = new Thread(this::readOutput, name + "-output");
		output.setDaemon(true);
		output.start();
	}

	/**
	 * Start a replica with this JVM's class path.
	 * @param name the replica's name, for its output
	 * @param jvmOptions options of its JVM
	 * @param arguments its command line (Spring Boot properties)
	 * @return the replica, starting
	 */
	static ReplicaProcess start(String name, List<String> jvmOptions, List<String> arguments) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(jvmOptions);
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), ReplicaApp.class.getName()));
		command.addAll(arguments);
		return new ReplicaProcess(name, new ProcessBuilder(command).redirectErrorStream(true).start());
	}

	void awaitReady(long timeoutSeconds) throws Exception {
		try {
			this.ready.get(timeoutSeconds, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(this.name + " did not start; its last lines:\n" + lastLines(), ex);
		}
	}

	void send(String command) throws IOException {
		OutputStream in = this.process.getOutputStream();
		in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
		in.flush();
	}

	/**
	 * @return the JSON of the replica's {@code RESULT} line
	 */
	String awaitResult(long timeoutSeconds) throws Exception {
		try {
			return this.result.get(timeoutSeconds, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(this.name + " gave no result; its last lines:\n" + lastLines(), ex);
		}
	}

	private void readOutput() {
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			for (String line = lines.readLine(); line != null; line = lines.readLine()) {
				if (line.equals("READY")) {
					this.ready.complete(null);
				}
				else if (line.startsWith("RESULT ")) {
					this.result.complete(line.substring(7));
				}
				else {
					System.out.println("[" + this.name + "] " + line);
					synchronized (this.lastLines) {
						if (this.lastLines.size() == LINES_KEPT) {
							this.lastLines.removeFirst();
						}
						this.lastLines.addLast(line);
					}
				}
			}
		}
		catch (IOException ex) {
			// The replica ended.
		}
		IllegalStateException ended = new IllegalStateException(this.name + " ended");
		this.ready.completeExceptionally(ended);
		this.result.completeExceptionally(ended);
	}

	private String lastLines() {
		synchronized (this.lastLines) {
			return String.join("\n", this.lastLines);
		}
	}

	/**
	 * Close the replica's standard input (it exits), and kill it by its PID if it has not
	 * ended within 10 seconds.
	 */
	@Override
	public void close() throws InterruptedException {
		try {
			this.process.getOutputStream().close();
		}
		catch (IOException ex) {
			// Ended already.
		}
		if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
		}
	}

	/**
	 * Kill the replica by its PID at once: the simulation is ending abnormally.
	 */
	void kill() {
		this.process.destroyForcibly();
	}

}
