package io.httpsentinel.sse;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.core.io.buffer.DefaultDataBufferFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link EventRelay}: what a forwarded stream sends for each upstream chunk, and what it
 * remembers for resuming.
 */
class EventRelayTests {

	@Test
	void passesBlocksThroughAsReceivedAndCountsEventsWithData() {
		EventRelay relay = new EventRelay(SseLimits.DEFAULTS, EventHooks.NONE, false, "");
		assertThat(relay("id: 1\r\ndata: a\r\n\r\n: c\n\nretry: 5\n\ndata: b", relay))
			.isEqualTo("id: 1\r\ndata: a\r\n\r\n: c\n\nretry: 5\n\n");
		assertThat(relay.events()).isOne();
		assertThat(relay("\n\n", relay)).isEqualTo("data: b\n\n");
		assertThat(relay.lastEventId()).isEqualTo("1");
		assertThat(relay.reconnectionTime()).hasMillis(5);
	}

	@Test
	void aChunkWithoutACompleteBlockGivesNothing() {
		EventRelay relay = new EventRelay(SseLimits.DEFAULTS, EventHooks.NONE, false, "");
		assertThat(relay("data: par", relay)).isNull();
		assertThat(relay.events()).isZero();
	}

	@Test
	void hooksSeeOnlyEventsWithDataAndTheirOutputIsWritten() {
		EventHooks hooks = EventHooks.NONE.map((event) -> event.mutate().data(event.data().toUpperCase()).build());
		EventRelay relay = new EventRelay(SseLimits.DEFAULTS, hooks, false, "");
		assertThat(relay("id: 7\n\nid: 8\nevent: t\ndata: x\r\ndata: y\r\n\r\n", relay))
			.isEqualTo("id: 7\n\nevent: t\nid: 8\ndata: X\ndata: Y\n\n");
	}

	@Test
	void theInitialLastEventIdIsWhatHooksSeeAndWhatAResumeSends() {
		EventRelay relay = new EventRelay(SseLimits.DEFAULTS,
				EventHooks.NONE.map((event) -> SseEvent.of(event.lastEventId())), false, "41");
		assertThat(relay.lastEventId()).isEqualTo("41");
		assertThat(relay("data: a\n\n", relay)).isEqualTo("data: 41\n\n");
	}

	@Test
	void afterAResumeReplayedBlocksAndTheBlocksWithoutIdAfterThemAreSkipped() {
		EventRelay relay = new EventRelay(SseLimits.DEFAULTS, EventHooks.NONE, true, "");
		relay("id: 1\ndata: a\n\ndata: a2\n\nid: 2\ndata: b\n\n", relay);
		relay.connectionEnded();
		relay.resumed();
		assertThat(relay("id: 1\ndata: a\n\ndata: a2\n\nid: 2\ndata: b\n\nid: 3\ndata: c\n\ndata: c2\n\n", relay))
			.isEqualTo("id: 3\ndata: c\n\ndata: c2\n\n");
		assertThat(relay.events()).isEqualTo(2);
		assertThat(relay.lastEventId()).isEqualTo("3");
	}

	@Test
	void eventsWithoutIdAfterTheLastIdMakeTheStreamNotResumable() {
		EventRelay relay = new EventRelay(SseLimits.DEFAULTS, EventHooks.NONE, true, "");
		assertThat(relay.resumable()).isTrue();
		relay("id: 1\ndata: a\n\n", relay);
		assertThat(relay.resumable()).isTrue();
		relay("data: b\n\n", relay);
		assertThat(relay.resumable()).isFalse();
		relay("id: 2\n\n", relay);
		assertThat(relay.resumable()).isTrue();
	}

	@Test
	void remembersABoundedNumberOfIds() {
		EventRelay relay = new EventRelay(SseLimits.DEFAULTS, EventHooks.NONE, true, "");
		StringBuilder stream = new StringBuilder();
		for (int i = 0; i < EventRelay.REMEMBERED_IDS + 10; i++) {
			stream.append("id: ").append(i).append("\ndata: x\n\n");
		}
		relay(stream.toString(), relay);
		relay.connectionEnded();
		relay.resumed();
		// The oldest ids are forgotten: a replay that old is forwarded again.
		assertThat(relay("id: 0\ndata: x\n\n", relay)).isNotNull();
		assertThat(relay("id: " + (EventRelay.REMEMBERED_IDS + 9) + "\ndata: x\n\n", relay)).isNull();
	}

	@Test
	void aFailingHookKeepsTheEventsBeforeIt() {
		EventRelay relay = new EventRelay(SseLimits.DEFAULTS, EventHooks.NONE.map((event) -> {
			if (event.data().equals("bad")) {
				throw new IllegalStateException("boom");
			}
			return event;
		}), false, "");
		assertThat(relay("data: good\n\ndata: bad\n\ndata: after\n\n", relay)).isEqualTo("data: good\n\n");
		assertThat(relay.takeFailure()).hasMessage("boom");
		assertThat(relay.takeFailure()).isNull();
	}

	private static @Nullable String relay(String chunk, EventRelay relay) {
		byte[] bytes = relay
			.relay(DefaultDataBufferFactory.sharedInstance.wrap(chunk.getBytes(StandardCharsets.UTF_8)));
		return (bytes != null) ? new String(bytes, StandardCharsets.UTF_8) : null;
	}

}
