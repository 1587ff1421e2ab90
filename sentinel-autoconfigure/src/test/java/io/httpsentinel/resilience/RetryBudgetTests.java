package io.httpsentinel.resilience;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RetryBudget}.
 */
class RetryBudgetTests {

	private static final int THREADS = 8;

	private final RetryBudget budget = new RetryBudget(0.2, 3);

	private final ExecutorService executor = Executors.newFixedThreadPool(THREADS);

	@AfterEach
	void stopThreads() {
		this.executor.shutdownNow();
	}

	@Test
	void minConcurrencyRetriesAreAllowedWithoutRequests() {
		assertThat(grant(3)).isEqualTo(3);
		assertThat(this.budget.tryStartRetry()).isFalse();
	}

	@Test
	void ratioOfRequestsInFlightBoundsConcurrentRetries() {
		startRequests(100);
		assertThat(grant(20)).isEqualTo(20);
		assertThat(this.budget.tryStartRetry()).isFalse();
		assertThat(this.budget.retriesInFlight()).isEqualTo(20);
	}

	@Test
	void refusedRetriesAreCountedAsExhaustion() {
		startRequests(100);
		grant(20);
		this.budget.tryStartRetry();
		this.budget.tryStartRetry();
		assertThat(this.budget.exhaustedCount()).isEqualTo(2);
	}

	@Test
	void grantedRetriesAreNotCountedAsExhaustion() {
		grant(3);
		assertThat(this.budget.exhaustedCount()).isZero();
	}

	@Test
	void finishedRetryFreesASlot() {
		grant(3);
		this.budget.retryFinished();
		assertThat(this.budget.retriesInFlight()).isEqualTo(2);
		assertThat(this.budget.tryStartRetry()).isTrue();
	}

	@Test
	void finishedRequestsLowerTheAllowance() {
		startRequests(100);
		grant(20);
		for (int i = 0; i < 50; i++) {
			this.budget.requestFinished();
		}
		// 50 requests in flight allow 10 retries: the 20 running ones must drop below 10.
		for (int i = 0; i < 10; i++) {
			this.budget.retryFinished();
		}
		assertThat(this.budget.requestsInFlight()).isEqualTo(50);
		assertThat(this.budget.tryStartRetry()).isFalse();
		this.budget.retryFinished();
		assertThat(this.budget.tryStartRetry()).isTrue();
	}

	@Test
	void concurrentCallersAreGrantedExactlyTheAllowance() throws Exception {
		startRequests(100);
		AtomicInteger granted = new AtomicInteger();
		runConcurrently(() -> {
			for (int i = 0; i < 50; i++) {
				if (this.budget.tryStartRetry()) {
					granted.incrementAndGet();
				}
			}
		});
		assertThat(granted).hasValue(20);
		assertThat(this.budget.retriesInFlight()).isEqualTo(20);
		assertThat(this.budget.exhaustedCount()).isEqualTo(THREADS * 50 - 20);
	}

	@Test
	void concurrentRetriesNeverExceedTheAllowance() throws Exception {
		startRequests(100);
		AtomicInteger running = new AtomicInteger();
		AtomicInteger mostRunning = new AtomicInteger();
		runConcurrently(() -> {
			for (int i = 0; i < 10_000; i++) {
				if (this.budget.tryStartRetry()) {
					mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
					running.decrementAndGet();
					this.budget.retryFinished();
				}
			}
		});
		assertThat(mostRunning.get()).isBetween(1, 20);
		assertThat(this.budget.retriesInFlight()).isZero();
	}

	private void startRequests(int count) {
		for (int i = 0; i < count; i++) {
			this.budget.requestStarted();
		}
	}

	private int grant(int count) {
		int granted = 0;
		for (int i = 0; i < count; i++) {
			if (this.budget.tryStartRetry()) {
				granted++;
			}
		}
		return granted;
	}

	private void runConcurrently(Runnable task) throws Exception {
		CountDownLatch start = new CountDownLatch(1);
		List<Future<?>> futures = new ArrayList<>();
		for (int i = 0; i < THREADS; i++) {
			futures.add(this.executor.submit(() -> {
				assertThat(start.await(5, TimeUnit.SECONDS)).isTrue();
				task.run();
				return null;
			}));
		}
		start.countDown();
		for (Future<?> future : futures) {
			future.get(5, TimeUnit.SECONDS);
		}
	}

}
