package io.httpsentinel.benchmarks.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Spring Cloud Gateway as a user sets it up to forward an upstream: one route (see
 * {@code application.yml}), every other setting at its default. A peer of the Sentinel
 * application in the whole-application benchmark.
 */
@SpringBootApplication(proxyBeanMethods = false)
public class GatewayApplication {

	public static void main(String[] args) {
		SpringApplication.run(GatewayApplication.class, args);
	}

}
