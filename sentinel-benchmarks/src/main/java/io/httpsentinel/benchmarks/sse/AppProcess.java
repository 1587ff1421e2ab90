package io.httpsentinel.benchmarks.sse;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * The app under test of {@link SseProxyLoadBenchmark} ({@link SseBenchmarkApp} or
 * {@link SseMvcBenchmarkApp}) in a JVM of its own ({@code -Xms1g -Xmx1g}, pinned to CPU 0
 * when asked), and what the load test reads from it: its CPU time, write system calls,
 * heap and open streams.
 */
final class AppProcess implements AutoCloseable {

	private final Process process;

	private final int port;

	private final HttpClient http = HttpClient.newHttpClient();

	private AppProcess(Process process, int port) {
		this.process = process;
		this.port = port;
	}

	int port() {
		return this.port;
	}

	static AppProcess start(Class<?> appClass, int upstreamPort, boolean pin, String gcOptions, @Nullable String jfr)
			throws Exception {
		List<String> command = new ArrayList<>();
		if (pin) {
			command.addAll(List.of("/usr/bin/taskset", "-c", "0"));
		}
		command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(List.of("-Xms1g", "-Xmx1g"));
		String jvmOptions = gcOptions + " " + System.getProperty("appJvmOptions", "");
		if (!jvmOptions.isBlank()) {
			command.addAll(List.of(jvmOptions.trim().split("\\s+")));
		}
		if (jfr != null) {
			command.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile");
		}
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), appClass.getName(), "--server.port=0",
				"--sentinel.clients.upstream.base-url=http://127.0.0.1:" + upstreamPort));
		String appArguments = System.getProperty("appArguments", "");
		if (!appArguments.isBlank()) {
			command.addAll(List.of(appArguments.trim().split("\\s+")));
		}
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		CompletableFuture<Integer> port = new CompletableFuture<>();
		Thread output = new Thread(() -> {
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				for (String line = lines.readLine(); line != null; line = lines.readLine()) {
					if (line.startsWith("PORT ")) {
						port.complete(Integer.parseInt(line.substring(5).trim()));
					}
					else {
						System.out.println("[app] " + line);
					}
				}
			}
			catch (IOException ex) {
				// The app ended.
			}
			port.completeExceptionally(new IllegalStateException("The app ended before it listened"));
		}, "app-output");
		output.setDaemon(true);
		output.start();
		try {
			return new AppProcess(process, port.get(60, TimeUnit.SECONDS));
		}
		catch (Exception ex) {
			process.destroyForcibly();
			throw ex;
		}
	}

	/**
	 * @return the app's write system calls so far ({@code syscw} of
	 * {@code /proc/<pid>/io}), or 0 where that is not available
	 */
	long writeSyscalls() {
		try {
			for (String line : Files.readAllLines(Paths.get("/proc/" + this.process.pid() + "/io"))) {
				if (line.startsWith("syscw:")) {
					return Long.parseLong(line.substring(6).trim());
				}
			}
		}
		catch (IOException ex) {
			// Not Linux.
		}
		return 0;
	}

	long cpuNanos() throws Exception {
		return Long.parseLong(get("/bench/cpu"));
	}

	/**
	 * @return used heap after a full GC, proxy streams open
	 */
	long[] heap() throws Exception {
		String[] parts = get("/bench/heap").split(" ");
		return new long[] { Long.parseLong(parts[0]), Long.parseLong(parts[1]) };
	}

	/**
	 * Wait until the app has no stream open and no upstream connection in use.
	 */
	void awaitIdle() throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (!get("/bench/streams").startsWith("0 0 ") && System.nanoTime() < deadline) {
			Thread.sleep(100);
		}
	}

	/**
	 * The top of the app's heap histogram (live objects).
	 */
	String histogram() throws Exception {
		Process jcmd = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "jcmd").toString(),
				Long.toString(this.process.pid()), "GC.class_histogram")
			.redirectErrorStream(true)
			.start();
		String[] lines = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n");
		jcmd.waitFor(30, TimeUnit.SECONDS);
		return String.join("\n", Arrays.copyOf(lines, Math.min(lines.length, 45)));
	}

	String streams() throws Exception {
		return get("/bench/streams");
	}

	private String get(String path) throws Exception {
		return this.http
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build(),
					HttpResponse.BodyHandlers.ofString())
			.body()
			.trim();
	}

	@Override
	public void close() throws Exception {
		this.process.getOutputStream().close();
		if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
		}
	}

}
