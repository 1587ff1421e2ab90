package io.httpsentinel.sample.web;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

import io.httpsentinel.resilience.AttemptEvent;
import io.httpsentinel.resilience.RetryListener;

/**
 * Logs every retry Sentinel decides on, with its reason and delay. A
 * {@link RetryListener} bean sees every attempt of every client.
 */
@Component
public class RetryLogging implements RetryListener {

	private static final Log logger = LogFactory.getLog(RetryLogging.class);

	@Override
	public void onAttempt(AttemptEvent event) {
		if (event.decision().retry()) {
			logger.info("Client '" + event.clientName() + "' retries " + event.method() + " " + event.path()
					+ " (attempt " + event.attempt() + ": "
					+ ((event.status() != null) ? event.status() : event.error()) + ") in "
					+ event.decision().delay().toMillis() + "ms because " + event.decision().reason());
		}
	}

}
