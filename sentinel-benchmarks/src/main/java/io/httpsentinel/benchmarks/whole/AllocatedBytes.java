package io.httpsentinel.benchmarks.whole;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Bytes a JVM target allocated so far, read from outside it without disturbing it: its
 * performance counters file ({@code hsperfdata}, what {@code jstat} reads), as the young
 * collections times the eden's capacity plus the eden in use. Exact for a collector that
 * empties the eden on every young collection and a heap of fixed size, as the targets run
 * ({@code -Xms1g -Xmx1g}, serial): the load's garbage per event, a figure the CPU's noise
 * does not touch. Reading takes microseconds, so it brackets the same window as the event
 * counts.
 */
final class AllocatedBytes {

	private static final int MAGIC = 0xcafec0c0;

	private static final String COLLECTIONS = "sun.gc.collector.0.invocations";

	private static final String EDEN_USED = "sun.gc.generation.0.space.0.used";

	private static final String EDEN_CAPACITY = "sun.gc.generation.0.space.0.capacity";

	private final Path file;

	/**
	 * @param pid the JVM's process id
	 */
	AllocatedBytes(long pid) {
		this.file = Paths.get(System.getProperty("java.io.tmpdir"), "hsperfdata_" + System.getProperty("user.name"),
				Long.toString(pid));
	}

	/**
	 * @return bytes allocated in the eden since the JVM started, or -1 if the counters
	 * cannot be read
	 */
	long read() {
		try {
			ByteBuffer data = ByteBuffer.wrap(Files.readAllBytes(this.file));
			data.order(ByteOrder.BIG_ENDIAN);
			if (data.getInt(0) != MAGIC) {
				return -1;
			}
			// Byte 4: 0 big-endian, 1 little-endian; the rest of the file is in that
			// order.
			data.order((data.get(4) == 0) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
			int at = data.getInt(24);
			int entries = data.getInt(28);
			long collections = -1;
			long used = -1;
			long capacity = -1;
			for (int i = 0; i < entries; i++) {
				int length = data.getInt(at);
				int nameOffset = data.getInt(at + 4);
				int vectorLength = data.getInt(at + 8);
				byte type = data.get(at + 12);
				int dataOffset = data.getInt(at + 16);
				if (vectorLength == 0 && type == 'J') {
					String name = name(data, at + nameOffset);
					long value = data.getLong(at + dataOffset);
					switch (name) {
						case COLLECTIONS -> collections = value;
						case EDEN_USED -> used = value;
						case EDEN_CAPACITY -> capacity = value;
						default -> {
						}
					}
				}
				at += length;
			}
			return (collections < 0 || used < 0 || capacity < 0) ? -1 : collections * capacity + used;
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

	private static String name(ByteBuffer data, int at) {
		int end = at;
		while (data.get(end) != 0) {
			end++;
		}
		byte[] bytes = new byte[end - at];
		data.get(at, bytes);
		return new String(bytes, StandardCharsets.US_ASCII);
	}

}
