package io.httpsentinel.benchmarks.whole;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Starts the processes under test, each on a free port chosen here and pinned to CPU 0:
 * the Sentinel application and Spring Cloud Gateway from their Boot jars (same JVM
 * options), and nginx from a configuration generated into a temporary directory.
 */
final class Peers {

	private static final String NGINX = "/usr/sbin/nginx";

	private final int upstreamPort;

	private final boolean pin;

	private final String jvmOptions;

	private final @Nullable String jfr;

	Peers(int upstreamPort, boolean pin, String jvmOptions, @Nullable String jfr) {
		this.upstreamPort = upstreamPort;
		this.pin = pin;
		this.jvmOptions = jvmOptions;
		this.jfr = jfr;
	}

	TargetProcess sentinelApp(Path jar) throws Exception {
		int port = freePort();
		return TargetProcess.start("sentinel",
				java(jar, "sentinel", "--server.port=" + port, "--sentinel.clients.upstream.base-url=" + upstreamUrl()),
				Map.of(), this.pin, port, "/actuator/health");
	}

	TargetProcess gateway(Path jar) throws Exception {
		int port = freePort();
		// Any path answers: the upstream's 404 for "/" tells that the route works.
		return TargetProcess.start("gateway", java(jar, "gateway", "--server.port=" + port),
				Map.of("UPSTREAM_URL", upstreamUrl()), this.pin, port, "/json");
	}

	static boolean nginxInstalled() {
		return new File(NGINX).canExecute();
	}

	/**
	 * Start nginx with a generated configuration: one worker, a keep-alive upstream
	 * block, no buffering of proxied responses, no access log.
	 */
	NginxProcess nginx() throws Exception {
		Path directory = TargetProcess.tempDirectory("bench-nginx");
		try {
			int port = freePort();
			Files.createDirectories(directory.resolve("logs"));
			Files.writeString(directory.resolve("nginx.conf"), nginxConfig(directory, port));
			TargetProcess process = TargetProcess.start("nginx",
					List.of(NGINX, "-c", directory.resolve("nginx.conf").toString(), "-p", directory.toString()),
					Map.of(), this.pin, port, "/json");
			return new NginxProcess(process, directory);
		}
		catch (Exception ex) {
			TargetProcess.deleteTree(directory);
			throw ex;
		}
	}

	private String nginxConfig(Path directory, int port) {
		return """
				worker_processes 1;
				master_process on;
				daemon off;
				error_log %1$s/logs/error.log warn;
				pid %1$s/nginx.pid;
				events { worker_connections 20000; }
				http {
				  access_log off;
				  upstream backend {
				    server 127.0.0.1:%2$d;
				    keepalive 64;
				  }
				  server {
				    listen 127.0.0.1:%3$d;
				    location / {
				      proxy_pass http://backend;
				      proxy_http_version 1.1;
				      proxy_set_header Connection "";
				      proxy_buffering off;
				      proxy_read_timeout 3600s;
				    }
				  }
				}
				""".formatted(directory, this.upstreamPort, port);
	}

	/**
	 * nginx and the directory of its configuration, deleted when it stops.
	 */
	record NginxProcess(TargetProcess process, Path directory) implements AutoCloseable {

		@Override
		public void close() {
			this.process.close();
			TargetProcess.deleteTree(this.directory);
		}

	}

	private List<String> java(Path jar, String name, String... arguments) {
		List<String> command = new ArrayList<>();
		command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(List.of("-Xms1g", "-Xmx1g"));
		if (!this.jvmOptions.isBlank()) {
			command.addAll(List.of(this.jvmOptions.trim().split("\\s+")));
		}
		if (this.jfr != null) {
			command.add("-XX:StartFlightRecording=filename=" + this.jfr.replaceFirst("(\\.jfr)?$", "-" + name + ".jfr")
					+ ",settings=profile");
		}
		command.addAll(List.of("-jar", jar.toString()));
		command.addAll(List.of(arguments));
		return command;
	}

	private String upstreamUrl() {
		return "http://127.0.0.1:" + this.upstreamPort;
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
