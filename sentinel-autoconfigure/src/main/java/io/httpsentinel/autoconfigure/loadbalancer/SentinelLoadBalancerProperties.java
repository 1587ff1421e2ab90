package io.httpsentinel.autoconfigure.loadbalancer;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How Sentinel reads the instances Spring Cloud LoadBalancer finds for a client whose
 * base URL names a service ({@code sentinel.load-balancer.*}).
 */
@ConfigurationProperties("sentinel.load-balancer")
public class SentinelLoadBalancerProperties {

	/**
	 * How often the instances of each service are read again from Spring Cloud
	 * LoadBalancer's instance supplier (its cache, health checks and zone preference
	 * apply). A change reaches the client at most this much later than Spring Cloud
	 * LoadBalancer sees it.
	 */
	private Duration refreshInterval = Duration.ofSeconds(5);

	public Duration getRefreshInterval() {
		return this.refreshInterval;
	}

	public void setRefreshInterval(Duration refreshInterval) {
		this.refreshInterval = refreshInterval;
	}

}
