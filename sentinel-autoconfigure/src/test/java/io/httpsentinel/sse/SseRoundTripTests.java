package io.httpsentinel.sse;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import static io.httpsentinel.sse.ChunkedParsing.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property tests: random events, serialized by hand with random line ends or written by
 * {@link SseWriter}, and chunked at random, parse back to the same events. Each failure
 * names its seed; rerun one with {@code -Dsse.seed=N}.
 */
class SseRoundTripTests {

	private static final String[] ATOMS = { "a", "b", "Z", "0", " ", ":", "{", "\"", "é", "中", "😀", "\t", "data", "id",
			"\uFEFF" };

	private static final String[] LINE_ENDS = { "\n", "\r", "\r\n" };

	private static final long BASE_SEED = Long.getLong("sse.seed", 20261122L);

	private static final int RUNS = Integer.getInteger("sse.runs", 400);

	@Test
	void randomStreamsWithRandomLineEndsParseToTheirEvents() {
		for (int run = 0; run < RUNS; run++) {
			long seed = BASE_SEED + run;
			Random random = new Random(seed);
			GeneratedStream stream = generate(random);
			byte[] input = utf8(stream.text.toString());
			for (int chunking = 0; chunking < 3; chunking++) {
				ChunkedParsing.Result result = ChunkedParsing.randomChunks(input, SseParser::new, random);
				assertThat(result.events()).as("seed %d", seed).isEqualTo(stream.expected);
				assertThat(result.lastEventId()).as("seed %d", seed).isEqualTo(stream.lastEventId);
			}
			assertThat(ReferenceEventStream.parse(input).events()).as("reference, seed %d", seed)
				.isEqualTo(stream.expected);
		}
	}

	@Test
	void writtenEventsParseBackToTheSameEvents() {
		Supplier<SseParser> parsers = () -> new SseParser(SseLimits.DEFAULTS, false, true);
		for (int run = 0; run < RUNS; run++) {
			long seed = BASE_SEED + run;
			Random random = new Random(seed);
			List<SseEvent> written = new ArrayList<>();
			List<SseEvent> expected = new ArrayList<>();
			ByteArrayOutputStream wire = new ByteArrayOutputStream();
			String lastEventId = "";
			for (int i = random.nextInt(6); i >= 0; i--) {
				SseEvent.Builder builder = SseEvent.builder().data(text(random, 12, true, true));
				if (random.nextBoolean()) {
					builder.type(text(random, 4, false, false));
				}
				String id = random.nextBoolean() ? text(random, 4, false, false) : null;
				builder.id(id);
				Duration retry = random.nextInt(4) == 0 ? Duration.ofMillis(random.nextInt(100_000)) : null;
				builder.retry(retry);
				List<String> commentLines = new ArrayList<>();
				for (int c = random.nextInt(3); c > 0; c--) {
					String comment = text(random, 5, true, false);
					builder.comment(comment);
					commentLines.addAll(Arrays.asList(comment.split("\r\n|\r|\n", -1)));
				}
				SseEvent event = builder.build();
				written.add(event);
				wire.writeBytes(SseWriter.encode(event));
				lastEventId = (id != null) ? id : lastEventId;
				String data = event.data().replace("\r\n", "\n").replace('\r', '\n');
				expected.add(new SseEvent(event.type(), data, true, lastEventId, id, retry, commentLines, null));
			}
			ChunkedParsing.Result result = ChunkedParsing.randomChunks(wire.toByteArray(), parsers, random);
			assertThat(result.events()).as("seed %d, written %s", seed, written).isEqualTo(expected);
		}
	}

	private static GeneratedStream generate(Random random) {
		GeneratedStream stream = new GeneratedStream();
		if (random.nextInt(4) == 0) {
			stream.text.append('\uFEFF');
		}
		String lastIdBuffer = "";
		for (int block = random.nextInt(6); block >= 0; block--) {
			String type = "";
			StringBuilder data = null;
			String id = null;
			Duration retry = null;
			for (int line = random.nextInt(7); line >= 0; line--) {
				switch (random.nextInt(7)) {
					case 0 -> stream.line(":" + text(random, 6, false, true), random);
					case 1 -> {
						type = text(random, 4, false, true);
						stream.field("event", type, random);
					}
					case 2 -> {
						String value = text(random, 4, false, random.nextInt(4) == 0);
						stream.field("id", value, random);
						if (value.indexOf('\0') < 0) {
							id = value;
							lastIdBuffer = value;
						}
					}
					case 3 -> {
						int millis = random.nextInt(10_000);
						stream.field("retry", Integer.toString(millis), random);
						retry = Duration.ofMillis(millis);
					}
					case 4 -> stream.field("retry", "1x", random);
					case 5 -> stream.field(random.nextBoolean() ? "foo" : "Data", text(random, 3, false, true), random);
					default -> {
						String value = text(random, 10, false, true);
						stream.field("data", value, random);
						data = (data != null) ? data.append('\n').append(value) : new StringBuilder(value);
					}
				}
			}
			boolean terminated = block > 0 || random.nextInt(3) > 0;
			if (terminated) {
				stream.line("", random);
				stream.lastEventId = lastIdBuffer;
				if (data != null) {
					stream.expected.add(new SseEvent(type.isEmpty() ? SseEvent.DEFAULT_TYPE : type, data.toString(),
							true, lastIdBuffer, id, retry, List.of(), null));
				}
			}
		}
		return stream;
	}

	static String text(Random random, int maxAtoms, boolean lineBreaks, boolean nul) {
		StringBuilder text = new StringBuilder();
		for (int i = random.nextInt(maxAtoms + 1); i > 0; i--) {
			int pick = random.nextInt(ATOMS.length + 3);
			if (pick < ATOMS.length) {
				text.append(ATOMS[pick]);
			}
			else if (lineBreaks) {
				text.append(LINE_ENDS[random.nextInt(LINE_ENDS.length)]);
			}
			else if (nul) {
				text.append('\0');
			}
		}
		return text.toString();
	}

	private static final class GeneratedStream {

		final StringBuilder text = new StringBuilder();

		final List<SseEvent> expected = new ArrayList<>();

		String lastEventId = "";

		private String previousEnd = "";

		void field(String name, String value, Random random) {
			if (value.isEmpty() && random.nextBoolean()) {
				line(name, random);
			}
			else if (value.startsWith(" ") || random.nextBoolean()) {
				line(name + ": " + value, random);
			}
			else {
				line(name + ":" + value, random);
			}
		}

		void line(String line, Random random) {
			String end = LINE_ENDS[random.nextInt(LINE_ENDS.length)];
			if (line.isEmpty() && this.previousEnd.equals("\r") && end.equals("\n")) {
				// CR then LF would be one line end, not a blank line.
				end = "\r";
			}
			this.text.append(line).append(end);
			this.previousEnd = end;
		}

	}

}
