package io.httpsentinel.chaos;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * The request side of {@link FaultInjectingProxy}: for each whole request, draws a fault,
 * forwards the request to the upstream unless the fault answers for it, and writes the
 * response back as raw bytes, broken the way the fault says.
 */
@Sharable
final class FaultyExchanges extends SimpleChannelInboundHandler<FullHttpRequest> {

	/** Pieces a slowly dripped body comes in. */
	static final int DRIP_PIECES = 8;

	/** Time between two pieces of a slowly dripped body. */
	static final long DRIP_GAP_MILLIS = 40;

	private static final byte[] NOT_HTTP = "SSH-2.0-OpenSSH_9.6\r\n\u0000\u00ff\u0013garbage\r\n\r\n"
		.getBytes(StandardCharsets.ISO_8859_1);

	private final HttpClient upstream;

	private final FaultPlan plan;

	FaultyExchanges(HttpClient upstream, FaultPlan plan) {
		this.upstream = upstream;
		this.plan = plan;
	}

	@Override
	protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
		Fault fault = this.plan.nextRequest();
		UpstreamResponse answered = answerFor(fault);
		if (answered != null) {
			ctx.writeAndFlush(answered.whole(ctx.alloc()));
			return;
		}
		// Copied now: the request is released when this method returns.
		HttpMethod method = request.method();
		String uri = request.uri();
		HttpHeaders headers = request.headers().copy();
		headers.remove(HttpHeaderNames.HOST);
		headers.remove(HttpHeaderNames.CONTENT_LENGTH);
		headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
		byte[] body = ByteBufUtil.getBytes(request.content());
		forward(method, uri, headers, body).subscribe(
				(response) -> ctx.executor().execute(() -> respond(ctx, fault, response)), (error) -> ctx.close());
	}

	private Mono<UpstreamResponse> forward(HttpMethod method, String uri, HttpHeaders headers, byte[] body) {
		return this.upstream.headers((target) -> target.add(headers))
			.request(method)
			.uri(uri)
			.send((req, out) -> (body.length > 0) ? out.sendByteArray(Mono.just(body)) : out)
			.responseSingle((response, content) -> content.asByteArray().defaultIfEmpty(new byte[0]).map((bytes) -> {
				List<Map.Entry<String, String>> kept = new ArrayList<>();
				response.responseHeaders().forEach((header) -> {
					if (UpstreamResponse.endToEnd(header.getKey())) {
						kept.add(header);
					}
				});
				return new UpstreamResponse(response.status().code(), kept, bytes);
			}));
	}

	/** The response a fault that stands in for the upstream gives, or none. */
	private static @Nullable UpstreamResponse answerFor(@Nullable Fault fault) {
		if (fault == null) {
			return null;
		}
		return switch (fault) {
			case UNAVAILABLE_RETRY_AFTER_SECONDS -> UpstreamResponse.of(503, List.of(Map.entry("Retry-After", "1")));
			case UNAVAILABLE_RETRY_AFTER_DATE -> UpstreamResponse.of(503, List.of(Map.entry("Retry-After",
					DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(1)))));
			case TOO_MANY_REQUESTS_RETRY_AFTER_MS ->
				UpstreamResponse.of(429, List.of(Map.entry("retry-after-ms", "100")));
			default -> null;
		};
	}

	private void respond(ChannelHandlerContext ctx, @Nullable Fault fault, UpstreamResponse response) {
		if (fault == null) {
			ctx.writeAndFlush(response.whole(ctx.alloc()));
			return;
		}
		int middle = response.middle();
		switch (fault) {
			case RESET_BEFORE_RESPONSE -> FaultInjectingProxy.reset(ctx.channel());
			case RESET_MID_BODY -> ctx.writeAndFlush(halfOf(ctx, response))
				.addListener((ChannelFutureListener) (future) -> FaultInjectingProxy.reset(future.channel()));
			case STALL_BEFORE_HEADERS -> {
				// Nothing: the client gives up, or the proxy closes.
			}
			case STALL_MID_BODY -> ctx.writeAndFlush(halfOf(ctx, response));
			case SLOW_DRIP -> drip(ctx, response);
			case TRUNCATED_CHUNKED -> {
				ByteBuf cut = response.head(ctx.alloc(), true)
					.writeBytes(
							(Integer.toHexString(response.body().length) + "\r\n").getBytes(StandardCharsets.US_ASCII))
					.writeBytes(response.body(), 0, middle);
				ctx.writeAndFlush(cut).addListener(ChannelFutureListener.CLOSE);
			}
			case HALF_CLOSE -> ((SocketChannel) ctx.channel()).shutdownOutput();
			case NOT_HTTP ->
				ctx.writeAndFlush(Unpooled.wrappedBuffer(NOT_HTTP)).addListener(ChannelFutureListener.CLOSE);
			default -> throw new IllegalStateException("Not a request fault: " + fault);
		}
	}

	private static ByteBuf halfOf(ChannelHandlerContext ctx, UpstreamResponse response) {
		return response.head(ctx.alloc(), false).writeBytes(response.body(), 0, response.middle());
	}

	private static void drip(ChannelHandlerContext ctx, UpstreamResponse response) {
		ctx.writeAndFlush(response.head(ctx.alloc(), false));
		int length = response.body().length;
		for (int piece = 0; piece < DRIP_PIECES; piece++) {
			int from = length * piece / DRIP_PIECES;
			int to = length * (piece + 1) / DRIP_PIECES;
			ctx.executor()
				.schedule(() -> ctx.writeAndFlush(response.body(ctx.alloc(), from, to)), DRIP_GAP_MILLIS * (piece + 1),
						TimeUnit.MILLISECONDS);
		}
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		// A client that resets its side, or garbage from it: drop the connection.
		ctx.close();
	}

}
