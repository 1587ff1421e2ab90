package io.httpsentinel.client.pool;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2StreamChannel;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;
import reactor.netty.http.client.HttpClientRequest;

/**
 * Takes the place of the decompressor Reactor Netty puts on each connection for
 * {@code compress(true)}, so that a response sent as is costs nothing. Netty's
 * {@link HttpContentDecompressor} handles every message of every response: it retains
 * each body chunk it passes on and releases the original (two atomic operations per
 * chunk, one per event of a stream) even when the response has no
 * {@code Content-Encoding}. This handler hands such responses on untouched and puts
 * Netty's decompressor behind itself only for a response that is encoded, until its last
 * chunk passed.
 * <p>
 * One per connection (an HTTP/2 stream is a connection of its own); all its methods run
 * on the connection's event loop.
 */
final class ResponseDecompressor extends ChannelInboundHandlerAdapter {

	/** Where Netty's decompressor goes while a response is decoded. */
	static final String DECODER = "sentinel.responseDecoder";

	private boolean decoding;

	/**
	 * Put this handler in place of Reactor Netty's decompressor on a new HTTP/1.1
	 * connection. Nothing changes on a connection that has none.
	 * @param connection a connection
	 */
	static void install(Connection connection) {
		ChannelPipeline pipeline = connection.channel().pipeline();
		ChannelHandler current = pipeline.get(NettyPipeline.HttpDecompressor);
		if (current instanceof HttpContentDecompressor) {
			pipeline.replace(NettyPipeline.HttpDecompressor, NettyPipeline.HttpDecompressor,
					new ResponseDecompressor());
		}
	}

	/**
	 * Put this handler in place of Reactor Netty's decompressor on an HTTP/2 stream: each
	 * request has a stream channel of its own, set up before the request is sent.
	 * @param request the request
	 * @param connection its connection
	 */
	static void installOnStream(HttpClientRequest request, Connection connection) {
		if (connection.channel() instanceof Http2StreamChannel) {
			install(connection);
		}
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
		// A chunk in the middle of a body sent as is, the commonest message by far (an
		// event each on a stream): one class comparison instead of the two interface
		// checks below, which on Java 17 scan the class's interfaces when it is checked
		// against several in turn (JDK-8180450).
		if (msg.getClass() == DefaultHttpContent.class && !this.decoding) {
			ctx.fireChannelRead(msg);
			return;
		}
		if (msg instanceof HttpResponse response && isEncoded(response) && !this.decoding) {
			// Reactor Netty's own arguments: lenient, no cap on one decoded chunk.
			ctx.pipeline().addAfter(ctx.name(), DECODER, new HttpContentDecompressor(false, 0));
			this.decoding = true;
		}
		boolean last = msg instanceof LastHttpContent;
		ctx.fireChannelRead(msg);
		if (last && this.decoding) {
			// Decoded by now: the decompressor ran inside fireChannelRead.
			this.decoding = false;
			ctx.pipeline().remove(DECODER);
		}
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		if (this.decoding && ctx.pipeline().get(DECODER) != null) {
			ctx.pipeline().remove(DECODER);
		}
	}

	private static boolean isEncoded(HttpResponse response) {
		if (response.status().code() == 100) {
			return false;
		}
		String encoding = response.headers().get(HttpHeaderNames.CONTENT_ENCODING);
		return encoding != null && !HttpHeaderValues.IDENTITY.contentEqualsIgnoreCase(encoding.trim());
	}

}
