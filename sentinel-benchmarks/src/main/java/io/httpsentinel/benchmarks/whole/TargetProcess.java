package io.httpsentinel.benchmarks.whole;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One process under test (a Boot jar or nginx), started by the benchmark, optionally
 * pinned to CPU 0 with {@code taskset}, and what is read from outside it: CPU time and
 * resident memory from {@code /proc} (the process and its children, for nginx's workers),
 * and, for a JVM, the histogram of its live objects with {@code jcmd}. A shutdown hook
 * stops it by its PID should the benchmark end abnormally.
 */
final class TargetProcess implements AutoCloseable {

	private static final long CLOCK_TICKS = clockTicks();

	private static final long PAGE_SIZE = 4096;

	private final String name;

	private final Process process;

	private final int port;

	private final Thread shutdownHook;

	private TargetProcess(String name, Process process, int port) {
		this.name = name;
		this.process = process;
		this.port = port;
		this.shutdownHook = new Thread(this::destroy, "stop-" + name);
		Runtime.getRuntime().addShutdownHook(this.shutdownHook);
	}

	/**
	 * Start a process and wait until {@code http://127.0.0.1:port + readyPath} answers.
	 */
	static TargetProcess start(String name, List<String> command, Map<String, String> environment, boolean pin,
			int port, String readyPath) throws Exception {
		List<String> full = new ArrayList<>();
		if (pin) {
			full.addAll(List.of("/usr/bin/taskset", "-c", "0"));
		}
		full.addAll(command);
		ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true);
		builder.environment().putAll(environment);
		TargetProcess target = new TargetProcess(name, builder.start(), port);
		Thread output = new Thread(() -> target.copyOutput(), name + "-output");
		output.setDaemon(true);
		output.start();
		try {
			target.awaitReady(readyPath, Duration.ofSeconds(90));
			return target;
		}
		catch (Exception ex) {
			target.close();
			throw ex;
		}
	}

	private void copyOutput() {
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			for (String line = lines.readLine(); line != null; line = lines.readLine()) {
				// Stack traces would bury the results (their first line tells enough),
				// and so would the relays' errors for the connections the fault load
				// drops.
				if (!line.isEmpty() && !Character.isWhitespace(line.charAt(0)) && !line.startsWith("Caused by")
						&& !line.startsWith("Error has been observed") && !line.startsWith("Original Stack Trace")
						&& !line.contains("PrematureCloseException") && !line.contains("Error finishing response")) {
					System.out.println("[" + this.name + "] " + line);
				}
			}
		}
		catch (IOException ex) {
			// The process ended.
		}
	}

	private void awaitReady(String path, Duration timeout) throws Exception {
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
		long deadline = System.nanoTime() + timeout.toNanos();
		URI uri = URI.create("http://127.0.0.1:" + this.port + path);
		while (true) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException(this.name + " ended with " + this.process.exitValue());
			}
			try {
				HttpResponse<Void> response = http.send(
						HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
						HttpResponse.BodyHandlers.discarding());
				if (response.statusCode() < 500) {
					return;
				}
			}
			catch (IOException ex) {
				// Not listening yet.
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(this.name + " did not answer " + uri + " within " + timeout);
			}
			Thread.sleep(200);
		}
	}

	String name() {
		return this.name;
	}

	int port() {
		return this.port;
	}

	/**
	 * The process that does the work: the child of {@code taskset}, which execs it, is
	 * the same PID.
	 */
	long pid() {
		return this.process.pid();
	}

	/**
	 * @return user + system CPU time of the process and its descendants, in ns
	 */
	long cpuNanos() {
		long ticks = processes().mapToLong((pid) -> {
			String[] fields = stat(Long.toString(pid));
			return (fields.length > 14) ? Long.parseLong(fields[13]) + Long.parseLong(fields[14]) : 0;
		}).sum();
		return ticks * 1_000_000_000L / CLOCK_TICKS;
	}

	/**
	 * @param cpu a CPU's number
	 * @return the time that CPU was busy (not idle nor waiting for I/O) since the machine
	 * started, in ns, from {@code /proc/stat}; -1 if unknown
	 */
	static long busyNanos(int cpu) {
		try {
			for (String line : Files.readAllLines(Paths.get("/proc/stat"), StandardCharsets.US_ASCII)) {
				String[] fields = line.trim().split("\\s+");
				if (fields[0].equals("cpu" + cpu)) {
					long busy = 0;
					// user nice system idle iowait irq softirq steal
					for (int i = 1; i <= 8 && i < fields.length; i++) {
						busy += (i == 4 || i == 5) ? 0 : Long.parseLong(fields[i]);
					}
					return busy * 1_000_000_000L / CLOCK_TICKS;
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// Not Linux.
		}
		return -1;
	}

	/**
	 * @return user + system CPU time of a JVM's JIT compiler threads
	 * ({@code C1/C2 CompilerThread*}, named {@code C2 CompilerThre} in {@code /proc}), in
	 * ns
	 */
	long compilerCpuNanos() {
		File[] tasks = new File("/proc/" + pid() + "/task").listFiles();
		long ticks = 0;
		for (File task : (tasks != null) ? tasks : new File[0]) {
			String[] fields = stat(pid() + "/task/" + task.getName());
			if (fields.length > 14 && fields[1].matches("C[12] CompilerThre.*")) {
				ticks += Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
			}
		}
		return ticks * 1_000_000_000L / CLOCK_TICKS;
	}

	/**
	 * @return resident memory of the process and its descendants, in bytes
	 */
	long rssBytes() {
		return processes().mapToLong((pid) -> {
			String[] fields = stat(Long.toString(pid));
			return (fields.length > 23) ? Long.parseLong(fields[23]) * PAGE_SIZE : 0;
		}).sum();
	}

	/**
	 * The live objects' histogram ({@code jcmd GC.class_histogram}, which runs a full GC
	 * first), whole.
	 * @return the histogram as {@code jcmd} prints it, ending with its {@code Total} line
	 */
	String liveHistogram() throws Exception {
		return jdkTool("jcmd", Long.toString(pid()), "GC.class_histogram");
	}

	/**
	 * Run an async-profiler command in a JVM ({@code jcmd JVMTI.agent_load}), which loads
	 * the agent on the first call.
	 * @param library the path of {@code libasyncProfiler.so}
	 * @param command the profiler's command, such as {@code start,event=itimer}
	 */
	void profiler(String library, String command) throws Exception {
		jdkTool("jcmd", Long.toString(pid()), "JVMTI.agent_load", library,
				// Quoted: the diagnostic command would read the first "=" as its own.
				"\"" + command + "\"");
	}

	/**
	 * A full GC of a JVM ({@code jcmd GC.run}).
	 */
	void fullGc() throws Exception {
		jdkTool("jcmd", Long.toString(pid()), "GC.run");
	}

	private Stream<Long> processes() {
		ProcessHandle self = this.process.toHandle();
		return Stream.concat(Stream.of(self), self.descendants()).map(ProcessHandle::pid);
	}

	/**
	 * @param path a process ({@code pid}) or thread ({@code pid/task/tid})
	 * @return the fields of its {@code stat} file, 0-based (field 2, the name, at 1)
	 */
	private static String[] stat(String path) {
		try {
			String stat = Files.readString(Paths.get("/proc/" + path + "/stat"), StandardCharsets.US_ASCII);
			// The command name may hold spaces: fields are counted after its closing
			// parenthesis, which is field 2.
			String[] rest = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
			String[] fields = new String[rest.length + 2];
			fields[1] = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
			System.arraycopy(rest, 0, fields, 2, rest.length);
			return fields;
		}
		catch (IOException ex) {
			return new String[0];
		}
	}

	private static String jdkTool(String tool, String... arguments) throws Exception {
		List<String> command = new ArrayList<>();
		command.add(Paths.get(System.getProperty("java.home"), "bin", tool).toString());
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
			throw new IllegalStateException(tool + " failed: " + output);
		}
		return output;
	}

	private static long clockTicks() {
		try {
			Process getconf = new ProcessBuilder("getconf", "CLK_TCK").start();
			String ticks = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
			getconf.waitFor(5, TimeUnit.SECONDS);
			return Long.parseLong(ticks);
		}
		catch (Exception ex) {
			return 100;
		}
	}

	/**
	 * A fresh directory for a target's files, deleted by {@link #deleteTree}.
	 */
	static Path tempDirectory(String prefix) throws IOException {
		return Files.createTempDirectory(prefix);
	}

	static void deleteTree(Path directory) {
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).map(Path::toFile).forEach(File::delete);
		}
		catch (IOException ex) {
			System.out.println("!! could not delete " + directory + ": " + ex);
		}
	}

	private void destroy() {
		List<ProcessHandle> children = this.process.toHandle().descendants().toList();
		this.process.destroy();
		try {
			if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
		children.forEach(ProcessHandle::destroyForcibly);
	}

	@Override
	public void close() {
		destroy();
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// Shutting down: the hook runs anyway.
		}
	}

}
