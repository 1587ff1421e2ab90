package io.httpsentinel.chaos;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A response as {@link FaultInjectingProxy} writes it back: status, end-to-end headers
 * and the whole body, turned into raw bytes that it can cut anywhere.
 *
 * @param status the status code
 * @param headers the headers, without framing and hop-by-hop ones
 * @param body the body
 */
record UpstreamResponse(int status, List<Map.Entry<String, String>> headers, byte[] body) {

	/** Headers the proxy sets itself (framing) or that concern one connection only. */
	static boolean endToEnd(String name) {
		return !name.equalsIgnoreCase("content-length") && !name.equalsIgnoreCase("transfer-encoding")
				&& !name.equalsIgnoreCase("connection") && !name.equalsIgnoreCase("keep-alive");
	}

	/**
	 * A response the proxy makes up (503, 429), with a small text body.
	 * @param status the status
	 * @param headers its headers
	 * @return the response
	 */
	static UpstreamResponse of(int status, List<Map.Entry<String, String>> headers) {
		return new UpstreamResponse(status, headers, "injected fault".getBytes(StandardCharsets.US_ASCII));
	}

	/**
	 * The status line and headers, framed with {@code Content-Length} or as chunked.
	 * @param alloc the allocator
	 * @param chunked whether to frame the body as chunked
	 * @return the bytes
	 */
	ByteBuf head(ByteBufAllocator alloc, boolean chunked) {
		StringBuilder head = new StringBuilder(256).append("HTTP/1.1 ")
			.append(this.status)
			.append(' ')
			.append(HttpResponseStatus.valueOf(this.status).reasonPhrase())
			.append("\r\n");
		for (Map.Entry<String, String> header : this.headers) {
			head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
		}
		head.append(chunked ? "transfer-encoding: chunked" : "content-length: " + this.body.length).append("\r\n\r\n");
		return alloc.buffer(head.length()).writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
	}

	/**
	 * Part of the body.
	 * @param alloc the allocator
	 * @param from first byte, inclusive
	 * @param to last byte, exclusive
	 * @return the bytes
	 */
	ByteBuf body(ByteBufAllocator alloc, int from, int to) {
		return alloc.buffer(to - from).writeBytes(this.body, from, to - from);
	}

	/**
	 * The whole response framed with {@code Content-Length}.
	 * @param alloc the allocator
	 * @return the bytes
	 */
	ByteBuf whole(ByteBufAllocator alloc) {
		ByteBuf head = head(alloc, false);
		return head.writeBytes(this.body);
	}

	/**
	 * Where the proxy cuts a body it breaks off: in the middle, and never at its start.
	 * @return the offset
	 */
	int middle() {
		return Math.max(1, this.body.length / 2);
	}

}
