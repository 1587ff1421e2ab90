package io.httpsentinel.autoconfigure;

import java.util.List;

/**
 * Thrown at startup when keys under {@code sentinel.defaults},
 * {@code sentinel.clients.<name>} or {@code sentinel.sse} match no property, so that a
 * typo fails instead of leaving a default in place.
 */
final class UnknownConfigurationPropertiesException extends IllegalStateException {

	private final List<String> descriptions;

	UnknownConfigurationPropertiesException(List<String> descriptions) {
		super(message(descriptions));
		this.descriptions = List.copyOf(descriptions);
	}

	private static String message(List<String> descriptions) {
		if (descriptions.size() == 1) {
			return "Unknown configuration property " + descriptions.get(0);
		}
		return "Unknown configuration properties:" + System.lineSeparator() + "    - "
				+ String.join(System.lineSeparator() + "    - ", descriptions);
	}

	/**
	 * Each unknown key with the client it belongs to, where it was set and the nearest
	 * known key.
	 * @return the descriptions
	 */
	List<String> descriptions() {
		return this.descriptions;
	}

}
