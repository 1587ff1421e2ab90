package io.httpsentinel.benchmarks.whole;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What a JVM target's performance counters file ({@code hsperfdata}, what {@code jstat}
 * reads) tells from outside it without disturbing it:
 * <ul>
 * <li>the bytes it allocated so far, as the young collections times the eden's capacity
 * plus the eden in use. Exact for a collector that empties the eden on every young
 * collection and a heap of fixed size, as the targets run ({@code -Xms1g -Xmx1g},
 * serial): the load's garbage per event, a figure the CPU's noise does not touch;</li>
 * <li>the time its collections paused it so far, young and full, and how many there were:
 * what a round's GC pauses took of it.</li>
 * </ul>
 * Reading takes microseconds, so it brackets the same window as the event counts.
 */
final class JvmCounters {

	private static final int MAGIC = 0xcafec0c0;

	private static final String COLLECTIONS = "sun.gc.collector.0.invocations";

	private static final String EDEN_USED = "sun.gc.generation.0.space.0.used";

	private static final String EDEN_CAPACITY = "sun.gc.generation.0.space.0.capacity";

	private static final String YOUNG_TIME = "sun.gc.collector.0.time";

	private static final String FULL_TIME = "sun.gc.collector.1.time";

	private static final String FULL_COLLECTIONS = "sun.gc.collector.1.invocations";

	private static final String TICKS_PER_SECOND = "sun.os.hrt.frequency";

	private final Path file;

	/**
	 * @param pid the JVM's process id
	 */
	JvmCounters(long pid) {
		this.file = Paths.get(System.getProperty("java.io.tmpdir"), "hsperfdata_" + System.getProperty("user.name"),
				Long.toString(pid));
	}

	/**
	 * @return bytes allocated in the eden since the JVM started, or -1 if the counters
	 * cannot be read
	 */
	long allocatedBytes() {
		Map<String, Long> counters = read();
		Long collections = counters.get(COLLECTIONS);
		Long used = counters.get(EDEN_USED);
		Long capacity = counters.get(EDEN_CAPACITY);
		return (collections == null || used == null || capacity == null) ? -1 : collections * capacity + used;
	}

	/**
	 * @return how many collections there were so far and what they took, or {@code null}
	 * if the counters cannot be read
	 */
	@Nullable GcPauses gcPauses() {
		Map<String, Long> counters = read();
		Long frequency = counters.get(TICKS_PER_SECOND);
		if (frequency == null || !counters.containsKey(YOUNG_TIME) || !counters.containsKey(FULL_TIME)) {
			return null;
		}
		return new GcPauses(counters.getOrDefault(COLLECTIONS, 0L), counters.getOrDefault(FULL_COLLECTIONS, 0L),
				(counters.get(YOUNG_TIME) + counters.get(FULL_TIME)) * 1_000_000_000.0 / frequency);
	}

	/**
	 * Collections of a JVM so far.
	 *
	 * @param young young collections
	 * @param full full collections
	 * @param pauseNanos the time all of them paused the JVM
	 */
	record GcPauses(long young, long full, double pauseNanos) {

		/**
		 * @return what happened between an earlier reading and this one, as in
		 * {@code "2 GC, 31 ms"}
		 */
		String since(@Nullable GcPauses earlier) {
			if (earlier == null) {
				return "";
			}
			long count = this.young + this.full - earlier.young - earlier.full;
			String fulls = (this.full > earlier.full) ? " (" + (this.full - earlier.full) + " full)" : "";
			return String.format(Locale.ROOT, "%d GC%s, %.0f ms", count, fulls,
					(this.pauseNanos - earlier.pauseNanos) / 1e6);
		}

	}

	/**
	 * @return the long scalar counters by name, empty if they cannot be read
	 */
	private Map<String, Long> read() {
		Map<String, Long> counters = new HashMap<>();
		try {
			ByteBuffer data = ByteBuffer.wrap(Files.readAllBytes(this.file));
			data.order(ByteOrder.BIG_ENDIAN);
			if (data.getInt(0) != MAGIC) {
				return counters;
			}
			// Byte 4: 0 big-endian, 1 little-endian; the rest of the file is in that
			// order.
			data.order((data.get(4) == 0) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
			int at = data.getInt(24);
			int entries = data.getInt(28);
			for (int i = 0; i < entries; i++) {
				int length = data.getInt(at);
				int nameOffset = data.getInt(at + 4);
				int vectorLength = data.getInt(at + 8);
				byte type = data.get(at + 12);
				int dataOffset = data.getInt(at + 16);
				if (vectorLength == 0 && type == 'J') {
					counters.put(name(data, at + nameOffset), data.getLong(at + dataOffset));
				}
				at += length;
			}
			return counters;
		}
		catch (IOException | RuntimeException ex) {
			return Map.of();
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
