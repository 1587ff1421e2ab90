package io.httpsentinel.health;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

import io.httpsentinel.client.Redactor;
import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.client.SentinelClients;

/**
 * Health of one client, from what it holds in memory: it never calls the upstream (a
 * health check that does would spend the provider's quota and fail with it).
 * <p>
 * {@code UP} while the circuit breaker lets calls through (closed, disabled, or no
 * breaker); {@link #CIRCUIT_OPEN} while it rejects them (open, forced open, or half-open
 * with only its probe calls passing), or {@code DOWN} instead when the client sets
 * {@code health.fail-on-open-circuit: true}. A host pause (a long {@code Retry-After})
 * does not change the status, as a quota is not ill health; it shows in the details.
 * <p>
 * A client with several backends lists them under {@code backends} (address, state,
 * counts) and names where they come from under {@code source} instead of a {@code host}.
 * Its status is as above while it has backends, ejected or paused ones included: the
 * breaker judges the client as a whole, and a client whose backends are all ejected still
 * tries one. When it has none (discovery found no instance of its service) it fails every
 * call at once, as with an open breaker, and reports the same: {@link #CIRCUIT_OPEN}, or
 * {@code DOWN} with {@code health.fail-on-open-circuit: true}.
 */
public final class SentinelHealthIndicator implements HealthIndicator {

	/**
	 * The client rejects calls at once: its circuit breaker is open, or it has no backend
	 * to send to. Reported as HTTP 200 by default: an external API being down must not
	 * take this application out of service.
	 */
	public static final Status CIRCUIT_OPEN = new Status("CIRCUIT_OPEN");

	private final SentinelClient client;

	private final Redactor redactor;

	/**
	 * Create the indicator of a client.
	 * @param client the client
	 */
	public SentinelHealthIndicator(SentinelClient client) {
		this.client = client;
		this.redactor = Redactor.of(client.settings().redaction());
	}

	/**
	 * One component per client, named after it.
	 * @param clients the clients
	 * @return the composite contributor
	 */
	public static CompositeHealthContributor composite(SentinelClients clients) {
		Map<String, SentinelClient> byName = new LinkedHashMap<>();
		clients.forEach((client) -> byName.put(client.name(), client));
		return CompositeHealthContributor.fromMap(byName, SentinelHealthIndicator::new);
	}

	@Override
	public Health health() {
		ClientState state = ClientState.of(this.client);
		Health.Builder health = Health.up();
		if (state.rejectsCalls() || state.hasNoBackend()) {
			health = this.client.settings().health().failsOnOpenCircuit() ? Health.down() : Health.status(CIRCUIT_OPEN);
		}
		if (state.backends() != null) {
			// Several hosts: one would mislead. Each backend's address is in the list.
			health.withDetail("source", state.backends().source());
		}
		else if (this.client.settings().baseUrl() != null) {
			health.withDetail("host", this.redactor.host(this.client.settings().baseUrl()));
		}
		health.withDetail("circuitBreaker", state.circuitBreaker().state().name());
		if (state.circuitBreaker().failureRate() != null) {
			health.withDetail("failureRate", state.circuitBreaker().failureRate());
		}
		health.withDetail("pool", state.pool());
		if (state.pausedUntil() != null) {
			health.withDetail("pausedUntil", state.pausedUntil().toString());
		}
		if (state.backends() != null) {
			health.withDetail("backends", state.backends().backends());
		}
		if (state.sharedRateLimit() != null) {
			// Redis failing does not change the status: the failure mode keeps the client
			// working. The details tell whether it does.
			health.withDetail("sharedRateLimit", state.sharedRateLimit());
		}
		if (state.adaptivePacing() != null) {
			health.withDetail("adaptivePacing", state.adaptivePacing());
		}
		return health.build();
	}

}
