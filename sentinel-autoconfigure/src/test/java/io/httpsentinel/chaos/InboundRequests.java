package io.httpsentinel.chaos;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.jspecify.annotations.Nullable;

/**
 * The bad requests a downstream client can send to a forwarding endpoint, as raw bytes: a
 * catalogue of hand-picked ones ({@code Last-Event-ID} with CR, LF, NUL, obs-fold,
 * oversized or not UTF-8; odd {@code Accept}; many or huge headers; HTTP/1.0;
 * pipelining), and a seeded generator over the same dimensions.
 */
final class InboundRequests {

	/** Longest {@code Last-Event-ID} the proxy passes upstream (in characters). */
	static final int MAX_LAST_EVENT_ID_LENGTH = 1024;

	private static final String[] ACCEPTS = { "*/*", "text/event-stream", "application/json", ";;,/x/y/;q=abc,,",
			"text/event-stream;q=0", "application/json, text/event-stream;q=0.5" };

	private InboundRequests() {
	}

	/**
	 * One bad request.
	 *
	 * @param name what is odd about it
	 * @param bytes the bytes sent (one or more requests)
	 * @param responses the number of responses to read
	 * @param forwardedId the {@code Last-Event-ID} the upstream must receive if the
	 * request is served, or {@code null} when not asserted
	 */
	record BadRequest(String name, byte[] bytes, int responses, @Nullable String forwardedId) {

		@Override
		public String toString() {
			return this.name;
		}

	}

	static List<BadRequest> catalogue() {
		List<BadRequest> requests = new ArrayList<>();
		requests.add(new BadRequest("Last-Event-ID: 41 (a valid id)", get("/proxy").header("Last-Event-ID: 41").bytes(),
				1, "41"));
		requests.add(lastEventId("Last-Event-ID with CRLF and an injected header", "1\r\nX-Injected: yes"));
		requests.add(lastEventId("Last-Event-ID with a bare LF and an injected header", "1\nX-Injected: yes"));
		requests.add(lastEventId("Last-Event-ID with a bare CR and an injected header", "1\rX-Injected: yes"));
		requests.add(lastEventId("Last-Event-ID with NUL", "1\0X-Injected: yes"));
		requests.add(lastEventId("Last-Event-ID folded (obs-fold)", "1\r\n X-Injected: yes"));
		requests.add(lastEventId("Last-Event-ID of 100 KB", "a".repeat(100 * 1024)));
		requests.add(lastEventId("Last-Event-ID of 8 KB + 1", "a".repeat(8 * 1024 + 1)));
		requests.add(new BadRequest("Last-Event-ID of 1,024 characters (the longest passed on)",
				get("/proxy").header("Last-Event-ID: " + "b".repeat(MAX_LAST_EVENT_ID_LENGTH)).bytes(), 1,
				"b".repeat(MAX_LAST_EVENT_ID_LENGTH)));
		requests.add(lastEventId("Last-Event-ID of 1,025 characters", "c".repeat(MAX_LAST_EVENT_ID_LENGTH + 1)));
		requests.add(lastEventId("Last-Event-ID of 7,000 characters", "d".repeat(7000)));
		requests.add(new BadRequest("Last-Event-ID of invalid UTF-8 bytes",
				get("/proxy").header(bytes("Last-Event-ID: 7", 0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80)).bytes(), 1,
				null));
		requests.add(new BadRequest("Last-Event-ID of valid multi-byte UTF-8",
				get("/proxy").header(("Last-Event-ID: 日本-€-𝄞").getBytes(StandardCharsets.UTF_8)).bytes(), 1, null));
		requests.add(lastEventId("Last-Event-ID with leading and trailing spaces and tabs", " \t 7 \t "));
		requests.add(lastEventId("Last-Event-ID with control characters (0x01, DEL)", "7\u0001 8\u007f"));
		requests.add(lastEventId("Last-Event-ID empty", ""));
		requests.add(new BadRequest("Last-Event-ID twice",
				get("/proxy").header("Last-Event-ID: 1").header("Last-Event-ID: 2").bytes(), 1, null));
		requests.add(new BadRequest("no Accept", get("/proxy").accept(null).bytes(), 1, null));
		requests.add(accept("Accept: */*", "*/*"));
		requests.add(accept("Accept: application/json", "application/json"));
		requests.add(new BadRequest("Accept: application/json on an endpoint without produces",
				get("/plain").accept("application/json").bytes(), 1, null));
		requests.add(accept("Accept: garbage", ";;,/x/y/;q=abc,,"));
		requests.add(accept("Accept of 10 KB", "text/" + "x".repeat(10 * 1024)));
		requests.add(accept("Accept with 200 values", "application/x-a;q=0.1, ".repeat(200) + "text/event-stream"));
		Request many = get("/proxy").header("Last-Event-ID: 5");
		for (int i = 0; i < 200; i++) {
			many.header("X-Many-" + i + ": " + i);
		}
		requests.add(new BadRequest("200 headers", many.bytes(), 1, null));
		Request huge = get("/proxy");
		for (int i = 0; i < 64; i++) {
			huge.header("X-Huge-" + i + ": " + "h".repeat(1024));
		}
		requests.add(new BadRequest("header section of 64 KB", huge.bytes(), 1, null));
		requests.add(new BadRequest("HTTP/1.0 without Host",
				get("/proxy").version("HTTP/1.0").host(false).header("Last-Event-ID: 9").bytes(), 1, "9"));
		requests.add(new BadRequest("HTTP/1.1 without Host", get("/proxy").host(false).bytes(), 1, null));
		byte[] first = get("/proxy").header("Last-Event-ID: 1\r\nX-Injected: yes").bytes();
		byte[] second = get("/proxy").header("Last-Event-ID: 3").bytes();
		requests.add(new BadRequest("two pipelined requests", concat(first, second), 2, null));
		return requests;
	}

	/**
	 * A request whose odd parts are drawn at random over the dimensions of the catalogue.
	 */
	static BadRequest random(Random random, int index) {
		if (random.nextInt(5) == 0) {
			// The endpoint without produces: an Accept that rules the stream out is
			// answered 406 after the handler forwarded, and the stream ends at once.
			String accept = ACCEPTS[random.nextInt(ACCEPTS.length)];
			return new BadRequest("random #" + index + " /plain",
					get("/plain").accept(accept)
						.header(concat("Last-Event-ID: ".getBytes(StandardCharsets.US_ASCII), randomId(random)))
						.bytes(),
					1, null);
		}
		Request request = get("/proxy");
		StringBuilder name = new StringBuilder("random #").append(index);
		if (random.nextInt(10) == 0) {
			request.version("HTTP/1.0");
			name.append(" HTTP/1.0");
		}
		int accept = random.nextInt(ACCEPTS.length + 3);
		if (accept == ACCEPTS.length) {
			request.accept(null);
		}
		else if (accept == ACCEPTS.length + 1) {
			request.accept("text/event-stream, " + "a/b;q=0.1, ".repeat(random.nextInt(1200)));
		}
		else if (accept < ACCEPTS.length) {
			request.accept(ACCEPTS[accept]);
		}
		int ids = (random.nextInt(8) == 0) ? 0 : (random.nextInt(8) == 0) ? 2 : 1;
		for (int i = 0; i < ids; i++) {
			request.header(concat("Last-Event-ID: ".getBytes(StandardCharsets.US_ASCII), randomId(random)));
		}
		int extra = random.nextInt(20);
		int headers = (extra < 12) ? 0
				: (extra < 17) ? random.nextInt(20) : (extra < 19) ? 90 + random.nextInt(160) : 16;
		int size = (extra == 19) ? 1 + random.nextInt(2048) : 1 + random.nextInt(16);
		for (int i = 0; i < headers; i++) {
			request.header("X-Extra-" + i + ": " + "v".repeat(size));
		}
		name.append(" ids=").append(ids).append(" headers=").append(headers);
		byte[] bytes = request.bytes();
		boolean pipelined = random.nextInt(20) == 0;
		return new BadRequest(name.append(pipelined ? " pipelined" : "").toString(),
				pipelined ? concat(bytes, get("/proxy").header("Last-Event-ID: 3").bytes()) : bytes, pipelined ? 2 : 1,
				null);
	}

	/** An id of a random length, mostly printable, with any of the odd bytes. */
	private static byte[] randomId(Random random) {
		int[] lengths = { 0, 1, 4, 16, 64, MAX_LAST_EVENT_ID_LENGTH, MAX_LAST_EVENT_ID_LENGTH + 1, 5000, 8 * 1024 + 1,
				100 * 1024 };
		int bucket = random.nextInt(16);
		int length = (bucket < lengths.length) ? lengths[bucket] : 1 + random.nextInt(32);
		ByteArrayOutputStream id = new ByteArrayOutputStream();
		while (id.size() < length) {
			int kind = random.nextInt(40);
			switch (kind) {
				case 0 -> id.write('\r');
				case 1 -> id.write('\n');
				case 2 -> id.writeBytes(new byte[] { '\r', '\n' });
				case 3 -> id.writeBytes(new byte[] { '\r', '\n', ' ' });
				case 4 -> id.write(0);
				case 5 -> id.write(' ');
				case 6 -> id.write('\t');
				case 7 -> id.write(1 + random.nextInt(31));
				case 8 -> id.write(0x7f);
				case 9, 10 -> id.write(0x80 + random.nextInt(128));
				case 11, 12 -> id.writeBytes(new String(Character.toChars(0x80 + random.nextInt(0x10ff7f)))
					.getBytes(StandardCharsets.UTF_8));
				default -> id.write(0x21 + random.nextInt(0x7e - 0x21));
			}
		}
		return id.toByteArray();
	}

	private static BadRequest lastEventId(String name, String id) {
		return new BadRequest(name, get("/proxy").header("Last-Event-ID: " + id).bytes(), 1, null);
	}

	private static BadRequest accept(String name, String accept) {
		return new BadRequest(name, get("/proxy").accept(accept).bytes(), 1, null);
	}

	private static byte[] bytes(String text, int... more) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		bytes.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
		for (int b : more) {
			bytes.write(b);
		}
		return bytes.toByteArray();
	}

	private static byte[] concat(byte[] first, byte[] second) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		bytes.writeBytes(first);
		bytes.writeBytes(second);
		return bytes.toByteArray();
	}

	static Request get(String path) {
		return new Request(path);
	}

	/** The bytes of a GET request, headers written as given (CRLF after each). */
	static final class Request {

		private final String path;

		private final List<byte[]> headers = new ArrayList<>();

		private String version = "HTTP/1.1";

		private boolean host = true;

		private @Nullable String accept = "text/event-stream";

		private Request(String path) {
			this.path = path;
		}

		Request version(String version) {
			this.version = version;
			return this;
		}

		Request host(boolean host) {
			this.host = host;
			return this;
		}

		Request accept(@Nullable String accept) {
			this.accept = accept;
			return this;
		}

		Request header(String line) {
			return header(line.getBytes(StandardCharsets.ISO_8859_1));
		}

		Request header(byte[] line) {
			this.headers.add(line);
			return this;
		}

		byte[] bytes() {
			ByteArrayOutputStream bytes = new ByteArrayOutputStream();
			line(bytes, "GET " + this.path + " " + this.version);
			if (this.host) {
				line(bytes, "Host: 127.0.0.1");
			}
			if (this.accept != null) {
				line(bytes, "Accept: " + this.accept);
			}
			for (byte[] header : this.headers) {
				bytes.writeBytes(header);
				bytes.writeBytes(new byte[] { '\r', '\n' });
			}
			bytes.writeBytes(new byte[] { '\r', '\n' });
			return bytes.toByteArray();
		}

		private static void line(ByteArrayOutputStream bytes, String line) {
			bytes.writeBytes(line.getBytes(StandardCharsets.ISO_8859_1));
			bytes.writeBytes(new byte[] { '\r', '\n' });
		}

	}

}
