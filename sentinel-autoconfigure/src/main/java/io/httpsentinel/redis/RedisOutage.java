package io.httpsentinel.redis;

import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Tells whether Redis answers a feature and logs each change once: the first failure of
 * an outage and the first answer after it, never every failed call.
 */
final class RedisOutage {

	private static final Log logger = LogFactory.getLog(RedisOutage.class);

	private final AtomicBoolean down = new AtomicBoolean();

	private final String redis;

	private final String feature;

	private final String consequence;

	/**
	 * @param redis which Redis, for the log ("Redis at host:port")
	 * @param feature what Redis serves, for the log ("the shared host pause")
	 * @param consequence what happens meanwhile, for the log
	 */
	RedisOutage(String redis, String feature, String consequence) {
		this.redis = redis;
		this.feature = feature;
		this.consequence = consequence;
	}

	void failed(Throwable failure) {
		if (this.down.compareAndSet(false, true)) {
			logger.warn(this.redis + " does not answer for " + this.feature + " (" + describe(failure) + "): "
					+ this.consequence);
		}
	}

	void answered() {
		// A read first: the common case (Redis up) costs no write to a shared cache line.
		if (this.down.get() && this.down.compareAndSet(true, false)) {
			logger.info(this.redis + " answers again for " + this.feature);
		}
	}

	private static String describe(Throwable failure) {
		Throwable cause = (failure.getCause() != null && failure instanceof CompletionException) ? failure.getCause()
				: failure;
		if (cause instanceof TimeoutException) {
			return "no answer in time";
		}
		return cause.getClass().getSimpleName() + ": " + cause.getMessage();
	}

}
