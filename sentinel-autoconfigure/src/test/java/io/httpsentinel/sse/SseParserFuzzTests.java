package io.httpsentinel.sse;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz test of {@link SseParser}. In the default build it runs the saved inputs under
 * {@code src/test/resources/io/httpsentinel/sse/SseParserFuzzTestsInputs} as a regression
 * test; {@code -Pfuzz} fuzzes it for 10 minutes (see docs/sse-parsing.md).
 * <p>
 * For any bytes, any limits, any mode and any chunking: the only exception is
 * {@link SseLimitExceededException}; whether it is thrown does not depend on the
 * chunking; no event is larger than the limits; and the events (those before a limit
 * error) are those of the naive {@link ReferenceEventStream}.
 */
class SseParserFuzzTests {

	@FuzzTest(maxDuration = "2m")
	void parserAgreesWithTheReferenceAndStaysBounded(FuzzedDataProvider fuzz) {
		int maxLine = fuzz.consumeInt(1, 200);
		int maxEvent = fuzz.consumeInt(1, 400);
		int mode = fuzz.consumeInt(0, 3);
		long seed = fuzz.consumeLong();
		byte[] input = fuzz.consumeRemainingAsBytes();
		SseLimits limits = new SseLimits(DataSize.ofBytes(maxLine), DataSize.ofBytes(maxEvent));
		Supplier<SseParser> parsers = (mode == 3) ? () -> SseParser.forPassThrough(limits)
				: () -> new SseParser(limits, (mode & 1) != 0, (mode & 2) != 0);

		Outcome whole = feed(parsers.get(), input, new int[] { input.length });
		Outcome chunked = feed(parsers.get(), input, randomChunks(input.length, new Random(seed)));
		assertThat(chunked.failed).isEqualTo(whole.failed);

		ReferenceEventStream.Result reference = ReferenceEventStream.parse(input);
		for (Outcome outcome : List.of(whole, chunked)) {
			List<SseEvent> dispatched = new ArrayList<>();
			for (SseEvent event : outcome.events) {
				assertThat(event.data().length()).isLessThanOrEqualTo(maxEvent);
				if (event.raw() != null) {
					// The blank line (at most CRLF) is not counted.
					assertThat(event.raw().remaining()).isLessThanOrEqualTo(maxEvent + 2);
				}
				if (event.hasData()) {
					dispatched.add(new SseEvent(event.type(), event.data(), true, event.lastEventId(), event.id(),
							event.retry(), List.of(), null));
				}
			}
			if (outcome.failed) {
				assertThat(dispatched.size()).isLessThanOrEqualTo(reference.events().size());
				assertThat(dispatched).isEqualTo(reference.events().subList(0, dispatched.size()));
			}
			else {
				assertThat(dispatched).isEqualTo(reference.events());
				assertThat(outcome.lastEventId).isEqualTo(reference.lastEventId());
			}
		}
	}

	private static Outcome feed(SseParser parser, byte[] input, int[] chunks) {
		Outcome outcome = new Outcome();
		try {
			int offset = 0;
			for (int size : chunks) {
				outcome.events.addAll(parser.feed(input, offset, size));
				offset += size;
			}
			parser.end();
		}
		catch (SseLimitExceededException ex) {
			outcome.failed = true;
		}
		outcome.lastEventId = parser.lastEventId();
		return outcome;
	}

	private static int[] randomChunks(int length, Random random) {
		List<Integer> sizes = new ArrayList<>();
		for (int left = length; left > 0;) {
			int size = Math.min(left, 1 + random.nextInt(random.nextBoolean() ? 3 : 40));
			sizes.add(size);
			left -= size;
		}
		return sizes.stream().mapToInt(Integer::intValue).toArray();
	}

	private static final class Outcome {

		final List<SseEvent> events = new ArrayList<>();

		boolean failed;

		String lastEventId = "";

	}

}
