package io.httpsentinel.testsupport;

import java.io.ByteArrayOutputStream;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.jspecify.annotations.Nullable;
import reactor.netty.ChannelPipelineConfigurer;
import reactor.netty.ConnectionObserver;
import reactor.netty.http.server.HttpServer;

/**
 * Records the bytes of each request head a Reactor Netty server receives, as they came
 * off the wire (before the HTTP decoder), so that a test sees the exact bytes of a header
 * value rather than the characters a server made of them. For HTTP/1.1 requests without a
 * body, such as a stream's {@code GET}.
 */
public final class RawRequestHeads implements ChannelPipelineConfigurer {

	private static final byte[] END_OF_HEAD = { '\r', '\n', '\r', '\n' };

	private static final HexFormat HEX = HexFormat.ofDelimiter(" ").withUpperCase();

	private final List<byte[]> heads = new CopyOnWriteArrayList<>();

	/**
	 * The server, recording the heads of its requests.
	 * @param server the server
	 * @return the server that records
	 */
	public HttpServer on(HttpServer server) {
		return server.doOnChannelInit(this);
	}

	@Override
	public void onChannelInit(ConnectionObserver observer, Channel channel, @Nullable SocketAddress remoteAddress) {
		channel.pipeline().addFirst(new Recorder());
	}

	/**
	 * The bytes of a header's value in each request received so far, in order, in
	 * upper-case hex separated by spaces ({@code "E6 97 A5"}), without the whitespace
	 * around it; {@code "-"} for a request without the header.
	 * @param name the header name (any case)
	 * @return the values
	 */
	public List<String> values(String name) {
		List<String> values = new ArrayList<>();
		for (byte[] head : this.heads) {
			byte[] value = value(head, name);
			values.add((value != null) ? HEX.formatHex(value) : "-");
		}
		return values;
	}

	/**
	 * The bytes in upper-case hex separated by spaces, as {@link #values} gives them.
	 * @param bytes the bytes
	 * @return the hex
	 */
	public static String hex(byte[] bytes) {
		return HEX.formatHex(bytes);
	}

	/**
	 * The UTF-8 bytes of a text in upper-case hex separated by spaces.
	 * @param text the text
	 * @return the hex
	 */
	public static String utf8Hex(String text) {
		return hex(text.getBytes(StandardCharsets.UTF_8));
	}

	private static byte @Nullable [] value(byte[] head, String name) {
		byte[] prefix = (name + ":").getBytes(StandardCharsets.US_ASCII);
		int lineStart = 0;
		while (lineStart < head.length) {
			int lineEnd = indexOf(head, new byte[] { '\r', '\n' }, lineStart);
			if (lineEnd < 0) {
				lineEnd = head.length;
			}
			if (lineEnd - lineStart >= prefix.length
					&& new String(head, lineStart, prefix.length, StandardCharsets.ISO_8859_1)
						.equalsIgnoreCase(new String(prefix, StandardCharsets.ISO_8859_1))) {
				int from = lineStart + prefix.length;
				int to = lineEnd;
				while (from < to && (head[from] == ' ' || head[from] == '\t')) {
					from++;
				}
				while (to > from && (head[to - 1] == ' ' || head[to - 1] == '\t')) {
					to--;
				}
				return Arrays.copyOfRange(head, from, to);
			}
			lineStart = lineEnd + 2;
		}
		return null;
	}

	private static int indexOf(byte[] bytes, byte[] part, int from) {
		outer: for (int i = from; i <= bytes.length - part.length; i++) {
			for (int j = 0; j < part.length; j++) {
				if (bytes[i + j] != part[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

	/**
	 * Collects a connection's bytes and cuts them into request heads.
	 */
	private final class Recorder extends ChannelInboundHandlerAdapter {

		private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

		@Override
		public void channelRead(ChannelHandlerContext context, Object message) throws Exception {
			if (message instanceof ByteBuf buffer) {
				byte[] bytes = new byte[buffer.readableBytes()];
				buffer.getBytes(buffer.readerIndex(), bytes);
				this.pending.writeBytes(bytes);
				byte[] all = this.pending.toByteArray();
				int start = 0;
				int end;
				while ((end = indexOf(all, END_OF_HEAD, start)) >= 0) {
					RawRequestHeads.this.heads.add(Arrays.copyOfRange(all, start, end));
					start = end + END_OF_HEAD.length;
				}
				this.pending.reset();
				this.pending.write(all, start, all.length - start);
			}
			super.channelRead(context, message);
		}

	}

}
