package io.httpsentinel.resilience;

import org.jspecify.annotations.Nullable;

/**
 * Reads the IETF draft's structured rate-limit fields
 * (draft-ietf-httpapi-ratelimit-headers, RFC 9651 lists):
 * {@code RateLimit: "default";r=50;t=30} and
 * {@code RateLimit-Policy: "default";q=100;w=60}, several policies separated by commas.
 * The dictionary form of draft 07 and 08 ({@code RateLimit: limit=100, remaining=50,
 * reset=30}) is read as one unnamed policy. A hand-written scanner: parameters other than
 * {@code r}, {@code t}, {@code q} and {@code w} (such as {@code pk}) are skipped.
 *
 * @param name the policy's name ({@code ""} when unnamed)
 * @param remaining {@code r}: requests left, or {@link RateLimitValues#NONE}
 * @param resetSeconds {@code t}: seconds until the quota resets, or NaN
 * @param quota {@code q}: requests per window, or {@link RateLimitValues#NONE}
 * @param windowSeconds {@code w}: the window, in seconds, or NaN
 */
record StructuredRateLimit(String name, long remaining, double resetSeconds, long quota, double windowSeconds) {

	/**
	 * Whether a value has the structured form rather than a bare number or date: it
	 * starts with a quoted name or with a token followed by parameters.
	 * @param value the header value
	 * @return whether to read it with this class
	 */
	static boolean isStructured(String value) {
		if (value.indexOf('=') < 0) {
			return false;
		}
		String stripped = value.strip();
		return !stripped.isEmpty() && !isDigit(stripped.charAt(0));
	}

	/**
	 * The policy closest to exhaustion: the one with the fewest requests left.
	 * @param value a {@code RateLimit} field
	 * @return that policy, or {@code null} when none states what is left
	 */
	static @Nullable StructuredRateLimit lowest(String value) {
		StructuredRateLimit lowest = null;
		Scanner scanner = new Scanner(value);
		StructuredRateLimit policy;
		while ((policy = scanner.next()) != null) {
			if (policy.remaining != RateLimitValues.NONE && (lowest == null || policy.remaining < lowest.remaining)) {
				lowest = policy;
			}
		}
		return lowest;
	}

	/**
	 * The policy of a name, or the first one when none has it.
	 * @param value a {@code RateLimit-Policy} field
	 * @param name the name wanted
	 * @return the policy, or {@code null} when the field holds none
	 */
	static @Nullable StructuredRateLimit named(String value, String name) {
		StructuredRateLimit first = null;
		Scanner scanner = new Scanner(value);
		StructuredRateLimit policy;
		while ((policy = scanner.next()) != null) {
			if (policy.name.equals(name)) {
				return policy;
			}
			if (first == null) {
				first = policy;
			}
		}
		return first;
	}

	private static boolean isDigit(char c) {
		return c >= '0' && c <= '9';
	}

	/**
	 * Walks the members of a list, one policy at a time, collecting a policy's fields
	 * before it makes the record.
	 */
	private static final class Scanner {

		private final String value;

		private int position;

		private String name = "";

		private long remaining;

		private double resetSeconds;

		private long quota;

		private double windowSeconds;

		Scanner(String value) {
			this.value = value;
		}

		/**
		 * The next policy: a named member with its parameters, or all the dictionary
		 * members ({@code key=value}) up to the next named one, merged.
		 */
		@Nullable StructuredRateLimit next() {
			boolean started = false;
			while (this.position < this.value.length()) {
				skip(" \t,");
				if (this.position >= this.value.length()) {
					break;
				}
				boolean dictionaryMember = this.value.charAt(this.position) != '"' && keyFollows();
				if (!dictionaryMember && started) {
					return policy();
				}
				if (!started) {
					clear();
					started = true;
				}
				if (dictionaryMember) {
					parameter();
				}
				else {
					this.name = name();
				}
				while (this.position < this.value.length() && this.value.charAt(this.position) == ';') {
					this.position++;
					parameter();
				}
				skipTo(',');
				if (!dictionaryMember) {
					return policy();
				}
			}
			return started ? policy() : null;
		}

		private void clear() {
			this.name = "";
			this.remaining = RateLimitValues.NONE;
			this.resetSeconds = Double.NaN;
			this.quota = RateLimitValues.NONE;
			this.windowSeconds = Double.NaN;
		}

		private StructuredRateLimit policy() {
			return new StructuredRateLimit(this.name, this.remaining, this.resetSeconds, this.quota,
					this.windowSeconds);
		}

		private boolean keyFollows() {
			int i = this.position;
			while (i < this.value.length() && ";,=".indexOf(this.value.charAt(i)) < 0) {
				i++;
			}
			return i < this.value.length() && this.value.charAt(i) == '=';
		}

		private String name() {
			if (this.value.charAt(this.position) != '"') {
				int start = this.position;
				while (this.position < this.value.length() && ";, \t".indexOf(this.value.charAt(this.position)) < 0) {
					this.position++;
				}
				return this.value.substring(start, this.position);
			}
			StringBuilder name = new StringBuilder();
			this.position++;
			while (this.position < this.value.length() && this.value.charAt(this.position) != '"') {
				if (this.value.charAt(this.position) == '\\') {
					this.position++;
				}
				if (this.position < this.value.length()) {
					name.append(this.value.charAt(this.position++));
				}
			}
			this.position++;
			return name.toString();
		}

		/**
		 * Read {@code key=value} (or a bare {@code key}, a boolean parameter) at the
		 * position.
		 */
		private void parameter() {
			skip(" \t");
			int keyStart = this.position;
			while (this.position < this.value.length() && "=;,".indexOf(this.value.charAt(this.position)) < 0) {
				this.position++;
			}
			int keyEnd = this.position;
			if (this.position >= this.value.length() || this.value.charAt(this.position) != '=') {
				return;
			}
			this.position++;
			int valueStart = this.position;
			while (this.position < this.value.length() && ";,".indexOf(this.value.charAt(this.position)) < 0) {
				this.position++;
			}
			String text = this.value.substring(valueStart, this.position).strip();
			if (isKey(keyStart, keyEnd, "r") || isKey(keyStart, keyEnd, "remaining")) {
				this.remaining = RateLimitValues.count(text);
			}
			else if (isKey(keyStart, keyEnd, "t") || isKey(keyStart, keyEnd, "reset")) {
				this.resetSeconds = RateLimitValues.decimal(text);
			}
			else if (isKey(keyStart, keyEnd, "q") || isKey(keyStart, keyEnd, "limit")) {
				this.quota = RateLimitValues.count(text);
			}
			else if (isKey(keyStart, keyEnd, "w")) {
				this.windowSeconds = RateLimitValues.decimal(text);
			}
		}

		private boolean isKey(int start, int end, String key) {
			int stripped = end;
			while (stripped > start && this.value.charAt(stripped - 1) == ' ') {
				stripped--;
			}
			return stripped - start == key.length() && this.value.regionMatches(start, key, 0, key.length());
		}

		private void skip(String characters) {
			while (this.position < this.value.length() && characters.indexOf(this.value.charAt(this.position)) >= 0) {
				this.position++;
			}
		}

		private void skipTo(char character) {
			while (this.position < this.value.length() && this.value.charAt(this.position) != character) {
				this.position++;
			}
		}

	}

}
