package io.httpsentinel.sse;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import io.netty.buffer.ByteBuf;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.NettyDataBuffer;

/**
 * Splits the bytes of an event stream into lines the way the spec reads them: a leading
 * byte order mark (EF BB BF) skipped once, and CRLF, LF or a lone CR ending a line, also
 * when the CR ends one chunk and its LF starts the next. It works on bytes (CR and LF
 * never occur inside a multi-byte UTF-8 character) and copies a line only when it spans
 * chunks.
 */
final class LineReader {

	/**
	 * Receives the lines.
	 */
	interface Lines {

		/**
		 * A complete line.
		 * @param bytes where the line is
		 * @param offset its start
		 * @param length its length, without the line end
		 * @param ascii whether all its bytes are below 0x80 (false may be conservative)
		 * @param ending where its line end is
		 * @param endingOffset start of the line end
		 * @param endingLength 1 or 2
		 * @param end position in the stream just after the line end (bytes since the
		 * start of the stream, a skipped byte order mark included)
		 */
		void line(byte[] bytes, int offset, int length, boolean ascii, byte[] ending, int endingOffset,
				int endingLength, long end);

		/**
		 * The LF of a CRLF whose CR ended the previous chunk: the line was already
		 * reported with the CR alone.
		 */
		void lineEndContinued();

		/**
		 * A line not ended yet has grown to this length.
		 * @param length the length so far
		 */
		void partialLine(long length);

	}

	private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

	private static final long HIGHS = 0x8080808080808080L;

	// Every byte 0x0E: a byte below it is a control byte, among them LF and CR.
	private static final long BELOW_CR = 0x0E0E0E0E0E0E0E0EL;

	private static final byte CR = '\r';

	private static final byte LF = '\n';

	private static final byte[] BOM = { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF };

	// Off-heap chunks are copied through this window; reading is synchronous, so one per
	// thread suffices.
	private static final ThreadLocal<byte[]> WINDOW = ThreadLocal.withInitial(() -> new byte[8192]);

	private final SseLimits limits;

	private final int maxLine;

	private final Lines lines;

	// A line not yet ended, carried across chunks.
	private final ByteSink line = new ByteSink();

	private boolean lineAscii = true;

	private boolean afterCr;

	// Leading BOM bytes matched so far; -1 once past the start of the stream.
	private int bom;

	private boolean scanAscii;

	// Position in the stream of the first byte of the bytes being read.
	private long position;

	// Position in the stream where the line not ended yet starts.
	private long lineStart;

	LineReader(SseLimits limits, Lines lines) {
		this.limits = limits;
		this.maxLine = (int) limits.maxLineSize().toBytes();
		this.lines = lines;
	}

	void read(DataBuffer chunk) {
		if (chunk instanceof NettyDataBuffer netty) {
			read(netty.getNativeBuffer());
			return;
		}
		try (DataBuffer.ByteBufferIterator buffers = chunk.readableByteBuffers()) {
			while (buffers.hasNext()) {
				read(buffers.next());
			}
		}
	}

	void read(ByteBuffer chunk) {
		if (chunk.hasArray()) {
			int start = chunk.arrayOffset() + chunk.position();
			read(chunk.array(), start, start + chunk.remaining());
			return;
		}
		byte[] window = WINDOW.get();
		for (int position = chunk.position(); position < chunk.limit();) {
			int count = Math.min(window.length, chunk.limit() - position);
			chunk.get(position, window, 0, count);
			read(window, 0, count);
			position += count;
		}
	}

	// Reactor Netty's buffers, read without allocating.
	void read(ByteBuf chunk) {
		int start = chunk.readerIndex();
		int end = chunk.writerIndex();
		if (chunk.hasArray()) {
			read(chunk.array(), chunk.arrayOffset() + start, chunk.arrayOffset() + end);
			return;
		}
		byte[] window = WINDOW.get();
		for (int index = start; index < end;) {
			int count = Math.min(window.length, end - index);
			chunk.getBytes(index, window, 0, count);
			read(window, 0, count);
			index += count;
		}
	}

	void read(byte[] bytes, int from, int to) {
		// Stream position of bytes[index] is base + index.
		long base = this.position - from;
		this.position += to - from;
		int i = from;
		if (this.bom >= 0) {
			i = skipBom(bytes, i, to);
			if (this.bom < 0 && this.line.length() == 0) {
				this.lineStart = base + i;
			}
		}
		if (this.afterCr && i < to) {
			this.afterCr = false;
			if (bytes[i] == LF) {
				this.lines.lineEndContinued();
				i++;
				this.lineStart = base + i;
			}
		}
		while (i < to) {
			int end = findLineEnd(bytes, i, to);
			if (end < 0) {
				append(bytes, i, to - i, this.scanAscii);
				return;
			}
			int next = end + 1;
			if (bytes[end] == CR) {
				if (next == to) {
					this.afterCr = true;
				}
				else if (bytes[next] == LF) {
					next++;
				}
			}
			if (this.line.length() == 0) {
				checkLine(end - i);
				this.lines.line(bytes, i, end - i, this.scanAscii, bytes, end, next - end, base + next);
			}
			else {
				append(bytes, i, end - i, this.scanAscii);
				this.lines.line(this.line.array(), 0, this.line.length(), this.lineAscii, bytes, end, next - end,
						base + next);
				clear();
			}
			i = next;
			this.lineStart = base + i;
		}
	}

	/**
	 * Drop a line not yet ended.
	 */
	void clear() {
		this.line.clear();
		this.lineAscii = true;
	}

	/**
	 * Start a new stream.
	 */
	void reset() {
		clear();
		this.afterCr = false;
		this.bom = 0;
		this.position = 0;
		this.lineStart = 0;
	}

	/**
	 * Where the line not ended yet starts (also when nothing of it was read yet).
	 * @return the position in the stream
	 */
	long lineStart() {
		return this.lineStart;
	}

	private int skipBom(byte[] bytes, int from, int to) {
		int i = from;
		while (this.bom >= 0 && i < to) {
			if (bytes[i] == BOM[this.bom]) {
				i++;
				this.bom = (this.bom == 2) ? -1 : this.bom + 1;
			}
			else {
				// Not a BOM: the bytes held back are the start of the first line.
				int held = this.bom;
				this.bom = -1;
				if (held > 0) {
					append(BOM, 0, held, false);
				}
			}
		}
		return i;
	}

	/**
	 * Index of the first CR or LF, or -1; also sets {@link #scanAscii} for the bytes
	 * scanned (conservatively: it may be false for an ASCII line).
	 */
	private int findLineEnd(byte[] bytes, int from, int to) {
		long seen = 0;
		int i = from;
		// Sixteen bytes at a time while no byte is below 0x0E (CR): data lines are
		// mostly text, so most words have no control byte at all.
		for (int last = to - 16; i <= last; i += 16) {
			long first = (long) LONGS.get(bytes, i);
			long second = (long) LONGS.get(bytes, i + 8);
			if (((((first - BELOW_CR) & ~first) | ((second - BELOW_CR) & ~second)) & HIGHS) != 0) {
				break;
			}
			seen |= first | second;
		}
		// Eight bytes at a time: flag bytes below 0x0E (SWAR "has less than" test; the
		// lowest flagged byte is exact), then check whether it is LF or CR.
		for (int last = to - 8; i <= last;) {
			long word = (long) LONGS.get(bytes, i);
			long found = (word - BELOW_CR) & ~word & HIGHS;
			if (found == 0) {
				seen |= word;
				i += 8;
				continue;
			}
			int at = i + (Long.numberOfTrailingZeros(found) >>> 3);
			byte b = bytes[at];
			seen |= word;
			if (b == LF || b == CR) {
				this.scanAscii = (seen & HIGHS) == 0;
				return at;
			}
			// Another control byte, a tab say: go on after it.
			i = at + 1;
		}
		for (; i < to; i++) {
			byte b = bytes[i];
			seen |= b;
			if (b == LF || b == CR) {
				this.scanAscii = (seen & HIGHS) == 0;
				return i;
			}
		}
		this.scanAscii = (seen & HIGHS) == 0;
		return -1;
	}

	private void append(byte[] bytes, int offset, int count, boolean ascii) {
		if (count == 0) {
			return;
		}
		long length = (long) this.line.length() + count;
		checkLine(length);
		this.lines.partialLine(length);
		this.line.append(bytes, offset, count);
		this.lineAscii &= ascii;
	}

	private void checkLine(long length) {
		if (length > this.maxLine) {
			throw new SseLimitExceededException("line", SseLimits.MAX_LINE_SIZE_KEY, this.limits.maxLineSize());
		}
	}

}
