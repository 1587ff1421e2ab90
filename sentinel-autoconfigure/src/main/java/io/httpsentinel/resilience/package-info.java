/**
 * Resilience chain around each exchange: retry decisions and backoff, Retry-After, retry
 * budget, circuit breaker, rate limiter, host pause and the total timeout.
 */
@NullMarked
package io.httpsentinel.resilience;

import org.jspecify.annotations.NullMarked;
