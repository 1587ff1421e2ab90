package io.httpsentinel.benchmarks.sse;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.util.UriBuilder;

/**
 * What the apps under test of {@link SseProxyLoadBenchmark} share: how they start (the
 * same properties on either stack, {@code PORT <n>} printed once they listen, running
 * until their standard input closes, that is when the load test ends, even abnormally)
 * and how they map a request to the upstream's stream.
 */
final class BenchApps {

	private BenchApps() {
	}

	/**
	 * Run an app until its standard input closes, then exit the JVM.
	 * @param app the app's configuration class
	 * @param type the stack to run it on
	 * @param stackProperties properties of that stack only
	 * @param args the command line's arguments (properties of the load test)
	 */
	static void run(Class<?> app, WebApplicationType type, Map<String, Object> stackProperties, String[] args)
			throws IOException {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.main.banner-mode", "off");
		properties.put("logging.level.root", "WARN");
		// Room for 5,000 streams at once, each on its own upstream connection.
		properties.put("sentinel.sse.max-streams", "20000");
		properties.put("sentinel.clients.upstream.pool.max-connections", "12000");
		properties.put("sentinel.clients.upstream.pool.pending-acquire-max-count", "12000");
		properties.put("sentinel.clients.upstream.timeouts.read-idle", "10m");
		properties.putAll(stackProperties);
		ConfigurableApplicationContext context = new SpringApplicationBuilder(app).web(type)
			.properties(properties)
			.run(args);
		System.out.println("PORT " + ((WebServerApplicationContext) context).getWebServer().getPort());
		System.out.flush();
		InputStream in = System.in;
		while (in.read() >= 0) {
			// Runs until the load test closes the pipe.
		}
		context.close();
		System.exit(0);
	}

	/**
	 * The upstream's stream of the same name, with the same query as the app's request.
	 */
	static URI upstreamUri(UriBuilder uri, String stream, @Nullable String query) {
		uri.path("/{stream}");
		if (query != null) {
			uri.query(query);
		}
		return uri.build(stream);
	}

}
