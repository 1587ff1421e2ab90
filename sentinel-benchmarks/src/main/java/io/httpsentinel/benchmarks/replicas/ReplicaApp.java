package io.httpsentinel.benchmarks.replicas;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClients;

/**
 * One replica of {@link ReplicasSimulation}: a Spring Boot application with the Sentinel
 * starter and one client, {@code api}, configured from its command line's properties
 * exactly as a user's application would be ({@code --sentinel.clients.api.*}), that
 * drives an {@link OpenLoopLoad} of {@code --replica.rate} requests per second through
 * it. No web server: the simulation talks to it over its standard streams. It prints
 * {@code READY} once started, then obeys one command per line of its standard input:
 * {@code START} (issue requests), {@code MARK} (count the calls issued from now on) and
 * {@code STOP} (stop, then print {@code RESULT <json>}); it exits when its standard input
 * closes, that is when the simulation ends, even abnormally.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class ReplicaApp {

	public static void main(String[] args) throws Exception {
		Map<String, Object> defaults = new LinkedHashMap<>();
		defaults.put("spring.main.banner-mode", "off");
		defaults.put("logging.level.root", "WARN");
		defaults.put("replica.rate", "40");
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ReplicaApp.class)
			.web(WebApplicationType.NONE)
			.properties(defaults)
			.run(args);
		double rate = context.getEnvironment().getRequiredProperty("replica.rate", Double.class);
		Duration drain = context.getEnvironment().getProperty("replica.drain", Duration.class, Duration.ofSeconds(10));
		SentinelClient client = context.getBean(SentinelClients.class).get("api");
		OpenLoopLoad load = new OpenLoopLoad(client.webClient(), rate);
		load.prime(context.getEnvironment().getProperty("replica.prime", Integer.class, 100));
		System.out.println("READY");
		System.out.flush();
		BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		for (String command = commands.readLine(); command != null; command = commands.readLine()) {
			switch (command.trim()) {
				case "START" -> load.start();
				case "MARK" -> load.mark();
				case "STOP" -> System.out.println("RESULT " + withFallbacks(load.stop(drain), client));
				default -> System.out.println("unknown command: " + command);
			}
			System.out.flush();
		}
		context.close();
		System.exit(0);
	}

	/**
	 * Add to the result how often the shared limit fell back because Redis did not answer
	 * in time, and how many requests the fallback decided (since the replica started).
	 */
	private static String withFallbacks(String json, SentinelClient client) {
		return client.sharedRateLimit()
			.map((shared) -> json.substring(0, json.length() - 1) + ",\"redisFallbacks\":" + shared.fallbacks()
					+ ",\"redisFallbackRequests\":" + shared.fallbackRequests() + "}")
			.orElse(json);
	}

}
