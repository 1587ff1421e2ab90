package io.httpsentinel.sample;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.util.TestSocketUtils;

/**
 * Free ports for the embedded demo upstream and its replica, so that the contexts of
 * several test classes (which Spring's test context cache keeps alive together) never
 * reach for the same port.
 */
public final class DemoUpstreamPorts {

	private DemoUpstreamPorts() {
	}

	/**
	 * Pick two free ports, once: a supplier calling {@link TestSocketUtils} itself would
	 * answer a different port each time the property is read, so that the upstream and
	 * the clients' URLs could disagree.
	 * @param registry the test's dynamic properties
	 * @return the demo upstream's port
	 */
	public static int register(DynamicPropertyRegistry registry) {
		int port = TestSocketUtils.findAvailableTcpPort();
		int replicaPort = TestSocketUtils.findAvailableTcpPort();
		while (replicaPort == port) {
			replicaPort = TestSocketUtils.findAvailableTcpPort();
		}
		int replica = replicaPort;
		registry.add("demo.upstream.port", () -> port);
		registry.add("demo.upstream.replica-port", () -> replica);
		return port;
	}

}
