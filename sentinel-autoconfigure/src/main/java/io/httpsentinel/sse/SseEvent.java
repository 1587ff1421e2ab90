package io.httpsentinel.sse;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One server-sent event: either dispatched by an {@link SseParser}, or built with
 * {@link #builder()} to be written by {@link SseWriter}. Immutable.
 */
public final class SseEvent {

	/**
	 * Type of an event without an {@code event} field.
	 */
	public static final String DEFAULT_TYPE = "message";

	private final String type;

	private final String data;

	private final boolean hasData;

	private final String lastEventId;

	private final @Nullable String id;

	private final @Nullable Duration retry;

	private final List<String> comments;

	private final byte @Nullable [] raw;

	SseEvent(String type, String data, boolean hasData, String lastEventId, @Nullable String id,
			@Nullable Duration retry, List<String> comments, byte @Nullable [] raw) {
		this.type = type;
		this.data = data;
		this.hasData = hasData;
		this.lastEventId = lastEventId;
		this.id = id;
		this.retry = retry;
		this.comments = comments;
		this.raw = raw;
	}

	/**
	 * An event of the default type {@code message} with the given data.
	 * @param data the data; line ends in it are written as separate {@code data:} lines
	 * @return the event
	 */
	public static SseEvent of(String data) {
		return builder().data(data).build();
	}

	/**
	 * An event of the given type with the given data.
	 * @param type the event type
	 * @param data the data
	 * @return the event
	 * @throws SseFramingException if the type contains CR, LF or NUL
	 */
	public static SseEvent of(String type, String data) {
		return builder().type(type).data(data).build();
	}

	/**
	 * A builder for an event to write.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * A builder starting from this event, to write a transformed copy. The copy has no
	 * {@link #raw() raw bytes}.
	 * @return a builder with this event's fields
	 */
	public Builder mutate() {
		Builder builder = new Builder();
		builder.type = this.type;
		builder.data = this.hasData ? this.data : null;
		builder.lastEventId = this.lastEventId;
		builder.id = this.id;
		builder.retry = this.retry;
		builder.comments.addAll(this.comments);
		return builder;
	}

	/**
	 * Event type: the value of the block's last {@code event} field, or
	 * {@value #DEFAULT_TYPE} when it had none (or an empty one).
	 * @return the type
	 */
	public String type() {
		return this.type;
	}

	/**
	 * Data: the block's {@code data} field values joined with LF (the final LF removed).
	 * Empty for a written event without data.
	 * @return the data
	 */
	public String data() {
		return this.data;
	}

	/**
	 * Whether the event has data. An event the spec dispatches always has; a block
	 * without data is returned only by a {@link SseParser#forPassThrough pass-through
	 * parser}; a built event has data when {@link Builder#data(String)} was called, so
	 * that a block of only an id, a retry or comments can be written.
	 * @return whether the event has data
	 */
	public boolean hasData() {
		return this.hasData;
	}

	/**
	 * Last event id of the stream once this event was dispatched: the value of the latest
	 * valid {@code id} field of this or an earlier block, {@code ""} if none. This is
	 * what a reconnecting client sends as {@code Last-Event-ID}.
	 * @return the last event id, possibly empty
	 */
	public String lastEventId() {
		return this.lastEventId;
	}

	/**
	 * Value of this block's own {@code id} field (the last valid one), or {@code null}
	 * when it had none. An empty string is a valid id: it resets the last event id.
	 * @return the id of this event, or {@code null}
	 */
	public @Nullable String id() {
		return this.id;
	}

	/**
	 * Reconnection time set by a valid {@code retry} field of this block, or
	 * {@code null}.
	 * @return the reconnection time, or {@code null}
	 */
	public @Nullable Duration retry() {
		return this.retry;
	}

	/**
	 * Comment lines of this block, without the colon and one leading space; empty unless
	 * the parser keeps comments.
	 * @return the comments
	 */
	public List<String> comments() {
		return this.comments;
	}

	/**
	 * Bytes of this block exactly as received, from its first line to the blank line that
	 * dispatched it, line ends included (a leading byte order mark excluded), when the
	 * parser retains them; {@code null} otherwise and for built events. Forwarding them
	 * reproduces the event without re-encoding.
	 * <p>
	 * One exception: when the blank line ended with CR as the last byte of a chunk and
	 * the next chunk starts with its LF, the event is dispatched at the CR (waiting for
	 * the next chunk would delay it), so its raw bytes end with the CR and the LF is
	 * dropped. A receiver reads the same line end either way.
	 * @return a read-only view of the raw bytes, or {@code null}
	 */
	public @Nullable ByteBuffer raw() {
		return (this.raw != null) ? ByteBuffer.wrap(this.raw).asReadOnlyBuffer() : null;
	}

	/**
	 * The raw bytes themselves, for forwarding them without a copy; never modified.
	 * @return the raw bytes, or {@code null}
	 */
	byte @Nullable [] rawBytes() {
		return this.raw;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		if (this == other) {
			return true;
		}
		if (!(other instanceof SseEvent that)) {
			return false;
		}
		return this.type.equals(that.type) && this.data.equals(that.data) && this.hasData == that.hasData
				&& this.lastEventId.equals(that.lastEventId) && Objects.equals(this.id, that.id)
				&& Objects.equals(this.retry, that.retry) && this.comments.equals(that.comments)
				&& Arrays.equals(this.raw, that.raw);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.type, this.data, this.lastEventId, this.id);
	}

	@Override
	public String toString() {
		StringBuilder text = new StringBuilder("SseEvent[type=").append(this.type);
		if (this.id != null) {
			text.append(", id=").append(this.id);
		}
		text.append(", lastEventId=").append(this.lastEventId);
		if (this.retry != null) {
			text.append(", retry=").append(this.retry.toMillis()).append("ms");
		}
		if (!this.comments.isEmpty()) {
			text.append(", comments=").append(this.comments);
		}
		if (this.hasData) {
			text.append(", data=").append((this.data.length() > 200) ? this.data.substring(0, 200) + "…" : this.data);
		}
		if (this.raw != null) {
			text.append(", raw=").append(this.raw.length).append(" bytes");
		}
		return text.append(']').toString();
	}

	/**
	 * Builds an event to write. The id and type are checked when the event is built.
	 */
	public static final class Builder {

		private String type = DEFAULT_TYPE;

		private @Nullable String data;

		private @Nullable String lastEventId;

		private @Nullable String id;

		private @Nullable Duration retry;

		private final List<String> comments = new ArrayList<>();

		private Builder() {
		}

		/**
		 * Event type; {@code null} or empty means {@value #DEFAULT_TYPE}.
		 * @param type the type, without CR, LF or NUL
		 * @return this builder
		 */
		public Builder type(@Nullable String type) {
			this.type = (type == null || type.isEmpty()) ? DEFAULT_TYPE : type;
			return this;
		}

		/**
		 * Data; CR, LF and CRLF in it are written as separate {@code data:} lines, so a
		 * receiver reads them as LF.
		 * @param data the data, or {@code null} for a block without data
		 * @return this builder
		 */
		public Builder data(@Nullable String data) {
			this.data = data;
			return this;
		}

		/**
		 * Id of the event; an empty id resets the receiver's last event id.
		 * @param id the id, without CR, LF or NUL, or {@code null} for none
		 * @return this builder
		 */
		public Builder id(@Nullable String id) {
			this.id = id;
			return this;
		}

		/**
		 * Reconnection time to announce to the receiver, written in whole milliseconds.
		 * @param retry the time, not negative, or {@code null} for none
		 * @return this builder
		 */
		public Builder retry(@Nullable Duration retry) {
			if (retry != null && retry.isNegative()) {
				throw new SseFramingException("retry", "must not be negative: " + retry);
			}
			this.retry = retry;
			return this;
		}

		/**
		 * Add a comment; line ends in it are written as separate comment lines.
		 * @param comment the comment
		 * @return this builder
		 */
		public Builder comment(String comment) {
			this.comments.add(comment);
			return this;
		}

		/**
		 * Build the event.
		 * @return the event
		 * @throws SseFramingException if the id or type contains CR, LF or NUL
		 */
		public SseEvent build() {
			SseWriter.checkField("event", this.type);
			if (this.id != null) {
				SseWriter.checkField("id", this.id);
			}
			String lastId = (this.id != null) ? this.id : (this.lastEventId != null) ? this.lastEventId : "";
			return new SseEvent(this.type, (this.data != null) ? this.data : "", this.data != null, lastId, this.id,
					this.retry, List.copyOf(this.comments), null);
		}

	}

}
