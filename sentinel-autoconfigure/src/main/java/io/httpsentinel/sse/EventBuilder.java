package io.httpsentinel.sse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The {@link BlockSink} of an {@link SseParser}: keeps a block's data, event type and,
 * when asked, its comments and raw bytes, and makes an {@link SseEvent} of each block the
 * spec dispatches (and, for a pass-through parser, of each block without data too).
 * Buffers are reused; values are decoded once per event, and an event type only when it
 * changes.
 */
final class EventBuilder extends BlockSink {

	private static final byte LF = '\n';

	private final boolean keepComments;

	private final boolean blocksWithoutData;

	private final ByteSink data = new ByteSink();

	private boolean dataAscii = true;

	private final ByteSink type = new ByteSink();

	private boolean typeAscii = true;

	private @Nullable ArrayList<String> comments;

	private final @Nullable ByteSink raw;

	// The last type decoded, reused while the type stays the same.
	private final ByteSink cachedTypeBytes = new ByteSink();

	private String cachedType = SseEvent.DEFAULT_TYPE;

	// Events made since they were last taken.
	private @Nullable SseEvent first;

	private @Nullable ArrayList<SseEvent> more;

	/**
	 * A sink that makes events.
	 * @param retainRaw whether events keep their raw bytes
	 * @param keepComments whether events keep their comments
	 * @param blocksWithoutData whether blocks without data are made events too
	 */
	EventBuilder(boolean retainRaw, boolean keepComments, boolean blocksWithoutData) {
		this.keepComments = keepComments;
		this.blocksWithoutData = blocksWithoutData;
		this.raw = retainRaw ? new ByteSink() : null;
	}

	boolean hasEvents() {
		return this.first != null;
	}

	/**
	 * The events made since the last call.
	 * @return the events, possibly none
	 */
	List<SseEvent> takeEvents() {
		SseEvent single = this.first;
		if (single == null) {
			return List.of();
		}
		List<SseEvent> several = this.more;
		this.first = null;
		this.more = null;
		return (several != null) ? several : List.of(single);
	}

	@Override
	void line(byte[] bytes, int offset, int length, byte[] ending, int endingOffset, int endingLength) {
		if (this.raw != null) {
			this.raw.append(bytes, offset, length);
			this.raw.append(ending, endingOffset, endingLength);
		}
	}

	@Override
	void lineFeed() {
		if (this.raw != null) {
			this.raw.append(LF);
		}
	}

	@Override
	void comment(byte[] bytes, int offset, int length, boolean ascii) {
		if (this.keepComments) {
			if (this.comments == null) {
				this.comments = new ArrayList<>(2);
			}
			this.comments.add(Utf8.decode(bytes, offset, length, ascii));
		}
	}

	@Override
	void data(byte[] bytes, int offset, int length, boolean ascii) {
		this.data.append(bytes, offset, length);
		this.data.append(LF);
		this.dataAscii &= ascii;
	}

	@Override
	void type(byte[] bytes, int offset, int length, boolean ascii) {
		this.type.set(bytes, offset, length);
		this.typeAscii = ascii;
	}

	@Override
	void block(EventInterpreter stream, long start, long end, boolean hasData, boolean hasId,
			@Nullable Duration retry) {
		if (!hasData && !this.blocksWithoutData) {
			return;
		}
		// The data buffer always ends with the LF its last data line appended.
		String text = hasData ? Utf8.decode(this.data.array(), 0, this.data.length() - 1, this.dataAscii) : "";
		List<String> blockComments = (this.comments != null) ? List.copyOf(this.comments) : List.of();
		byte[] rawBytes = (this.raw != null) ? this.raw.toByteArray() : null;
		String lastEventId = stream.lastEventId();
		add(new SseEvent(typeString(), text, hasData, lastEventId, hasId ? lastEventId : null, retry, blockComments,
				rawBytes));
	}

	private void add(SseEvent event) {
		if (this.first == null) {
			this.first = event;
		}
		else {
			if (this.more == null) {
				this.more = new ArrayList<>();
				this.more.add(this.first);
			}
			this.more.add(event);
		}
	}

	private String typeString() {
		int length = this.type.length();
		if (length == 0) {
			return SseEvent.DEFAULT_TYPE;
		}
		if (!this.cachedTypeBytes.contentEquals(this.type.array(), 0, length)) {
			this.cachedType = Utf8.decode(this.type.array(), 0, length, this.typeAscii);
			this.cachedTypeBytes.set(this.type.array(), 0, length);
		}
		return this.cachedType;
	}

	@Override
	void clear() {
		this.data.clear();
		this.dataAscii = true;
		this.type.clear();
		this.typeAscii = true;
		this.comments = null;
		if (this.raw != null) {
			this.raw.clear();
		}
	}

}
