package io.httpsentinel.autoconfigure.loadbalancer;

import java.util.HashSet;
import java.util.Set;

import org.apache.commons.logging.Log;

/**
 * The problems found with a service's instances (an invalid weight, an address that is no
 * URL), each logged once when it appears rather than on every read while it lasts.
 */
final class InstanceProblems {

	private final String description;

	private final Log logger;

	private Set<String> previous = Set.of();

	private Set<String> current = new HashSet<>();

	InstanceProblems(String description, Log logger) {
		this.description = description;
		this.logger = logger;
	}

	/**
	 * Report a problem of the read in progress.
	 * @param key what identifies it (the instance and the bad value)
	 * @param message what is wrong and what is done about it
	 */
	void report(String key, String message) {
		if (this.current.add(key) && !this.previous.contains(key)) {
			this.logger.warn("An instance of " + this.description + " (" + key + ") " + message);
		}
	}

	/**
	 * End a read: a problem it did not report is gone, and is logged again if it comes
	 * back.
	 */
	void readDone() {
		this.previous = this.current;
		this.current = new HashSet<>();
	}

}
