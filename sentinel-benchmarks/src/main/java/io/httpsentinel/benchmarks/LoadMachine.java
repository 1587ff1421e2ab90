package io.httpsentinel.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

/**
 * What the load tests that run their targets in processes of their own need of the
 * machine: its load average, printed with their figures, and pinning the load test's own
 * process to one CPU, so that the target's CPU stays its own.
 */
public final class LoadMachine {

	private LoadMachine() {
	}

	/**
	 * The machine's load average, as {@code /proc/loadavg} gives it.
	 * @return the load average, or {@code unknown}
	 */
	public static String loadAverage() {
		try {
			return Files.readString(Paths.get("/proc/loadavg"), StandardCharsets.US_ASCII).trim();
		}
		catch (IOException ex) {
			return "unknown";
		}
	}

	/**
	 * Pin every thread of this process to one CPU with {@code taskset}.
	 * @param cpu the CPU
	 */
	public static void pinThisProcessTo(int cpu) throws IOException, InterruptedException {
		Process process = new ProcessBuilder("/usr/bin/taskset", "-a", "-p", "-c", Integer.toString(cpu),
				Long.toString(ProcessHandle.current().pid()))
			.redirectErrorStream(true)
			.start();
		process.getInputStream().readAllBytes();
		process.waitFor(10, TimeUnit.SECONDS);
	}

}
