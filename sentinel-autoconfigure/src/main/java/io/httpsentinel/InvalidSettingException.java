package io.httpsentinel;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a client setting has a value Sentinel cannot work with. The {@link #key()}
 * is the setting's path relative to a client (for example {@code pool.max-connections}),
 * so that configuration layers can name the full property.
 */
public class InvalidSettingException extends IllegalArgumentException {

	private final String key;

	private final @Nullable Object value;

	private final String reason;

	public InvalidSettingException(String key, @Nullable Object value, String reason) {
		super("Invalid value '" + SettingText.of(value) + "' for '" + key + "': "
				+ SettingText.withReadableDurations(reason));
		this.key = key;
		this.value = value;
		this.reason = reason;
	}

	/**
	 * Path of the setting relative to a client, in kebab case (e.g.
	 * {@code timeouts.connect}).
	 * @return the relative key
	 */
	public String key() {
		return this.key;
	}

	/**
	 * Value that was rejected.
	 * @return the value, possibly {@code null} when a required setting is missing
	 */
	public @Nullable Object value() {
		return this.value;
	}

	/**
	 * Why the value was rejected.
	 * @return the reason
	 */
	public String reason() {
		return this.reason;
	}

}
