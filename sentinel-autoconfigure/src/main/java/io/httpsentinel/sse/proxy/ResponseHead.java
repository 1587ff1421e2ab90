package io.httpsentinel.sse.proxy;

import java.time.Clock;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.MonoSink;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import io.httpsentinel.sse.proxy.UpstreamConnection.Head;

/**
 * The status and headers of a forwarded stream's downstream response, given once: a 200
 * event stream, committed at once and never cached or buffered by a reverse proxy, with
 * the upstream headers the call asked for; or the {@link UpstreamRefusal} an upstream
 * failure maps to.
 */
final class ResponseHead {

	private final MonoSink<ResponseEntity<Flux<DataBuffer>>> sink;

	private final StreamOptions options;

	private final Clock clock;

	/**
	 * The head of a stream's response.
	 * @param sink completed with the response
	 * @param options the stream's options: its client and the headers to forward
	 * @param clock the wall clock, to turn a host pause's end into a {@code Retry-After}
	 */
	ResponseHead(MonoSink<ResponseEntity<Flux<DataBuffer>>> sink, StreamOptions options, Clock clock) {
		this.sink = sink;
		this.options = options;
		this.clock = clock;
	}

	/**
	 * Answer with the stream.
	 * @param upstream the upstream's headers
	 * @param body the stream's body
	 */
	void commit(HttpHeaders upstream, Flux<DataBuffer> body) {
		HttpHeaders headers = new HttpHeaders();
		headers.setContentType(MediaType.TEXT_EVENT_STREAM);
		headers.setCacheControl("no-cache");
		headers.set("X-Accel-Buffering", "no");
		ForwardedHeaders.copy(upstream, this.options.forwardHeaders(), headers);
		this.sink.success(new ResponseEntity<>(body, headers, HttpStatus.OK));
	}

	/**
	 * Answer with a refusal.
	 * @param refusal the refusal
	 */
	void refuse(UpstreamRefusal refusal) {
		this.sink.success(refusal.toResponse());
	}

	/**
	 * The refusal for an upstream that answered, but not with an event stream.
	 * @param head the upstream's head
	 * @return the refusal
	 */
	UpstreamRefusal refusalOf(Head head) {
		return UpstreamRefusal.of(head.status(), head.headers(), this.clock);
	}

	/**
	 * The refusal for an upstream that failed, or ended, before its headers.
	 * @param error the error, or {@code null} if it ended without one
	 * @return the refusal
	 */
	UpstreamRefusal refusalOf(@Nullable Throwable error) {
		return (error != null) ? UpstreamRefusal.of(error, this.options.client(), this.clock)
				: UpstreamRefusal.of(HttpStatus.BAD_GATEWAY.value(), HttpHeaders.EMPTY, this.clock);
	}

}
