package io.httpsentinel.benchmarks.sse;

import java.lang.management.ManagementFactory;

import org.springframework.web.bind.annotation.GetMapping;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.sse.proxy.SseProxy;

/**
 * What the controllers of the apps under test share, on either stack: the client
 * {@code upstream} and the {@link SseProxy} their relays use, and the endpoints through
 * which {@link SseProxyLoadBenchmark} observes the app: {@code /bench/cpu} (the process's
 * CPU time), {@code /bench/streams} (open streams and upstream connections) and
 * {@code /bench/heap} (the heap after a full GC). Each stack's controller extends it with
 * its relays.
 */
abstract class BenchEndpoints {

	protected final SentinelClient upstream;

	protected final SseProxy sseProxy;

	BenchEndpoints(SentinelClients clients, SseProxy sseProxy) {
		this.upstream = clients.get("upstream");
		this.sseProxy = sseProxy;
	}

	@GetMapping("/bench/cpu")
	String cpu() {
		return Long.toString(((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime());
	}

	/**
	 * Streams the proxy has open, and the upstream connections: in use, idle.
	 */
	@GetMapping("/bench/streams")
	String streams() {
		return this.sseProxy.activeStreams() + " " + this.upstream.pool().active() + " " + this.upstream.pool().idle();
	}

	/**
	 * Used heap after full GCs, and the proxy's open streams.
	 */
	@GetMapping("/bench/heap")
	String heap() {
		long used = Long.MAX_VALUE;
		for (int i = 0; i < 3; i++) {
			System.gc();
			used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
		}
		return used + " " + this.sseProxy.activeStreams();
	}

}
