package io.httpsentinel.sse;

import java.util.List;

import reactor.core.publisher.Flux;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;

/**
 * Decodes a response body into events with an {@link SseParser}, releasing every buffer:
 * each one right after it was fed, and those still queued when the stream fails or is
 * cancelled.
 */
public final class SseDecoder {

	private SseDecoder() {
	}

	/**
	 * Decode a body. At its end an unterminated last block is discarded; a line or event
	 * over the parser's limits fails the stream with {@link SseLimitExceededException}
	 * after the events completed before it.
	 * @param body the body, subscribed to once
	 * @param parser the parser, used for this stream only
	 * @return the events
	 */
	public static Flux<SseEvent> decode(Flux<DataBuffer> body, SseParser parser) {
		return body.concatMapIterable((buffer) -> {
			// Released here only when fed: when feed throws, the operator discards the
			// buffer, and the discard hook below releases it (releasing here as well
			// would release it twice).
			List<SseEvent> events = parser.feed(buffer);
			DataBufferUtils.release(buffer);
			return events;
		}).doOnComplete(parser::end).doOnDiscard(DataBuffer.class, DataBufferUtils::release);
	}

}
