package io.httpsentinel.resilience;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

import org.springframework.http.HttpMethod;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.client.ClientRequest;

import io.httpsentinel.client.pool.PoolSettings;
import io.httpsentinel.client.pool.TimeoutSettings;

/**
 * Per-attempt cost of several backends, without any network: what the pipeline adds to an
 * attempt of a client with three backends ({@code endpoints}, weight 1 each) against the
 * same steps for a client with one base URL. The backends come from a client's resilience
 * state as {@link ResilienceSupport} makes it for a {@code SentinelClient} (default
 * outlier detection, but a base ejection time of an hour, so that an ejection made in the
 * setup outlasts the run); nothing is sent. In this package to reach the engine
 * ({@link Backends}, {@link Backend}), which is the pipeline's own. Each benchmark is one
 * attempt as {@code Call} and {@code ResilienceFilter} make it:
 * <ul>
 * <li>{@link #singleBaseUrl} (baseline): a client with one base URL; there is no choice,
 * the request goes as it is.</li>
 * <li>{@link #threeBackends}: a call's first attempt, every backend in: the path below
 * the base URL, the call's record of tried backends, weighted round robin, the URL on the
 * chosen backend, the request that carries it, and a 200 recorded for the backend
 * (target: at most 200 ns).</li>
 * <li>{@link #threeBackendsOneEjected}: the same while one backend is ejected: the choice
 * reads the clock and skips it.</li>
 * <li>{@link #retryOnAnother}: a retry's attempt, skipping the backend the call tried
 * (the choice's slow path: the clock read, the walk over the backends that admits the
 * untried ones).</li>
 * <li>{@link #chooseOnly}, {@link #urlOnOnly}, {@link #pathUnderBaseOnly},
 * {@link #recordOkOnly} (for information): the parts of {@link #threeBackends}
 * alone.</li>
 * </ul>
 * Single-threaded: the uncontended cost. Add {@code -t 2} for two threads sharing the
 * client's backends (its round-robin counter and the backends' counters).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class BackendChoiceBenchmark {

	private static final URI BASE_URL = URI.create("http://127.0.0.1:8001/v1");

	private static final List<BackendEndpoint> ENDPOINTS = List.of(BackendEndpoint.of(BASE_URL),
			BackendEndpoint.of(URI.create("http://127.0.0.1:8002/v1")),
			BackendEndpoint.of(URI.create("http://127.0.0.1:8003/v1")));

	private ClientResilience single;

	private ClientResilience several;

	private ClientResilience severalOneEjected;

	private Backends backends;

	private Backend firstBackend;

	private ClientRequest request;

	private String rest;

	@Setup(Level.Trial)
	public void createClients() {
		ResilienceSupport support = ResilienceSupport.standalone();
		this.single = support.create("single", settings(BASE_URL, null));
		this.several = support.create("several", settings(BASE_URL, ENDPOINTS));
		this.severalOneEjected = support.create("several-one-ejected", settings(BASE_URL, ENDPOINTS));
		if (this.single.backendChoice() != null || this.several.backendChoice() == null
				|| this.severalOneEjected.backendChoice() == null) {
			throw new IllegalStateException("the clients do not have the backends expected");
		}
		this.backends = this.several.backendChoice();
		this.firstBackend = this.backends.choose(null, 0);
		Backends ejecting = this.severalOneEjected.backendChoice();
		Backend sick = ejecting.choose(null, 0);
		for (int i = 0; i < OutlierDetectionSettings.DEFAULTS.consecutive5xx(); i++) {
			ejecting.onResponse(sick, 500);
		}
		if (ejecting.backends().stream().noneMatch(BackendView::ejected)) {
			throw new IllegalStateException("no backend was ejected");
		}
		this.request = ClientRequest.create(HttpMethod.POST, URI.create(BASE_URL + "/chat/completions")).build();
		this.rest = this.backends.pathUnderBase(this.request.url());
	}

	private static PipelineSettings settings(URI baseUrl, @Nullable List<BackendEndpoint> endpoints) {
		OutlierDetectionSettings outlierDetection = new OutlierDetectionSettings(null, null, null, Duration.ofHours(1),
				Duration.ofHours(1), null)
			.orElse(OutlierDetectionSettings.DEFAULTS);
		BackendSettings backends = new BackendSettings(endpoints, outlierDetection, null)
			.orElse(BackendSettings.DEFAULTS);
		return new PipelineSettings(RetrySettings.DEFAULTS, CircuitBreakerSettings.DEFAULTS, RateLimitSettings.DEFAULTS,
				TimeoutSettings.DEFAULTS, PoolSettings.DEFAULTS.pendingAcquireTimeout(), DataSize.ofMegabytes(10),
				baseUrl, backends);
	}

	@TearDown(Level.Trial)
	public void report(BenchmarkParams benchmark) {
		String name = benchmark.getBenchmark().substring(benchmark.getBenchmark().lastIndexOf('.') + 1);
		StringBuilder states = new StringBuilder();
		for (BackendView view : this.backends.backends()) {
			states.append(String.format(Locale.ROOT, " %s: %d requests%s", view.address(), view.requests(),
					view.ejected() ? " (ejected)" : ""));
		}
		System.out.printf(Locale.ROOT, "%n[%s] backends:%s%n", name, states);
		this.single.close();
		this.several.close();
		this.severalOneEjected.close();
	}

	@Benchmark
	public ClientRequest singleBaseUrl() {
		Backends choice = this.single.backendChoice();
		String rest = (choice != null) ? choice.pathUnderBase(this.request.url()) : null;
		return (rest != null) ? attempt(choice, rest, null, 0, 200) : this.request;
	}

	@Benchmark
	public ClientRequest threeBackends() {
		return firstAttempt(this.several);
	}

	@Benchmark
	public ClientRequest threeBackendsOneEjected() {
		return firstAttempt(this.severalOneEjected);
	}

	@Benchmark
	public ClientRequest retryOnAnother() {
		Backends choice = this.backends;
		Backend[] tried = new Backend[4];
		tried[0] = this.firstBackend;
		return attempt(choice, this.rest, tried, 1, 200);
	}

	@Benchmark
	public Backend chooseOnly() {
		return this.backends.choose(null, 0);
	}

	@Benchmark
	public URI urlOnOnly() {
		return Backends.urlOn(this.firstBackend, this.rest);
	}

	@Benchmark
	public @Nullable String pathUnderBaseOnly() {
		return this.backends.pathUnderBase(this.request.url());
	}

	@Benchmark
	public Backend recordOkOnly() {
		this.backends.onResponse(this.firstBackend, 200);
		return this.firstBackend;
	}

	private ClientRequest firstAttempt(ClientResilience resilience) {
		Backends choice = resilience.backendChoice();
		String rest = (choice != null) ? choice.pathUnderBase(this.request.url()) : null;
		if (choice == null || rest == null) {
			return this.request;
		}
		return attempt(choice, rest, new Backend[4], 0, 200);
	}

	/**
	 * One attempt as the pipeline makes it: choose, note the backend as tried, send the
	 * request to its URL, record the response's status.
	 */
	private ClientRequest attempt(Backends choice, String rest, Backend @Nullable [] tried, int triedCount,
			int status) {
		Backend chosen = choice.choose(tried, triedCount);
		if (tried != null) {
			tried[triedCount] = chosen;
		}
		ClientRequest attempt = new BackendRequest(this.request, Backends.urlOn(chosen, rest));
		choice.onResponse(chosen, status);
		return attempt;
	}

}
