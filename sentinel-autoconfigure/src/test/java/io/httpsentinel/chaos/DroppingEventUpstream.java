package io.httpsentinel.chaos;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

import io.httpsentinel.testsupport.LoopbackServer;

/**
 * A loopback event-stream server that drops connections. On {@code /events/{stream}} it
 * serves the events 1 to {@code events} of that stream (ASCII ids, two data lines with
 * 2-, 3- and 4-byte UTF-8 characters: {@link #data}; lines ending in LF, CRLF or CR; a
 * comment now and then), each connection resuming after the {@code Last-Event-ID} it got
 * and, with an overlap, replaying up to that many events before it. A connection sends a
 * random number of events in randomly sized chunks and then ends with a random
 * {@link Fault}, cut at byte level in the next event; the one that reaches the last event
 * ends cleanly, and one asked to resume after the last event gets 204 (an SSE client's
 * "do not reconnect").
 */
final class DroppingEventUpstream implements AutoCloseable {

	/** How a connection ends before the last event, and how often (weights). */
	enum Fault {

		/** Closed (FIN) after a complete event, or before the response if none. */
		BETWEEN_EVENTS(20),

		/** Closed at a line boundary inside an event, also just before its blank line. */
		MID_EVENT(20),

		/** Closed in the middle of a line, between two characters. */
		MID_LINE(20),

		/** Closed in the middle of a multi-byte UTF-8 character. */
		MID_CHARACTER(18),

		/** Reset (RST) at a random byte of the next event. */
		RESET(15),

		/** Silent from a random byte of the next event on, until the client gives up. */
		STALL(5),

		/**
		 * Silent before the response headers, until the client gives up; never on the
		 * first connection of a stream.
		 */
		STALL_BEFORE_RESPONSE(2);

		private static final int TOTAL_WEIGHT = 100;

		private final int weight;

		Fault(int weight) {
			this.weight = weight;
		}

		static Fault pick(SplittableRandom random) {
			int value = random.nextInt(TOTAL_WEIGHT);
			for (Fault fault : values()) {
				value -= fault.weight;
				if (value < 0) {
					return fault;
				}
			}
			throw new IllegalStateException("Weights do not add up to " + TOTAL_WEIGHT);
		}

	}

	/** The line ends the spec allows; each stream uses one. */
	private static final String[] LINE_ENDS = { "\n", "\r\n", "\r" };

	/** Largest chunk written at once. */
	private static final int MAX_CHUNK = 256;

	private final int events;

	private final int overlap;

	private final int meanEventsPerConnection;

	private final long seed;

	private final AtomicInteger requests = new AtomicInteger();

	private final AtomicInteger noContent = new AtomicInteger();

	private final AtomicLongArray faults = new AtomicLongArray(Fault.values().length);

	private final LoopResources loops;

	private final LoopbackServer server;

	/**
	 * Start a server.
	 * @param events events of each stream
	 * @param overlap most events replayed before the {@code Last-Event-ID} (0 for none)
	 * @param meanEventsPerConnection events sent on a connection before its fault, on
	 * average
	 * @param seed seed of the random faults
	 */
	DroppingEventUpstream(int events, int overlap, int meanEventsPerConnection, long seed) {
		this.events = events;
		this.overlap = overlap;
		this.meanEventsPerConnection = meanEventsPerConnection;
		this.seed = seed;
		// Event loops of its own: an application closing disposes Reactor Netty's global
		// ones.
		this.loops = LoopResources.create("dropping-upstream", 2, true);
		this.server = LoopbackServer.start(
				HttpServer.create().runOn(this.loops).route((routes) -> routes.get("/events/{stream}", this::serve)),
				"http");
	}

	/**
	 * The data of an event: two lines, with 2-, 3- and 4-byte UTF-8 characters.
	 * @param stream the stream
	 * @param id the event id
	 * @return the data
	 */
	static String data(int stream, long id) {
		return "s" + stream + " e" + id + " ünïcödé\n日本語 🎉 " + id;
	}

	URI baseUrl() {
		return this.server.baseUrl();
	}

	/** Requests received, the first connection of each stream included. */
	int requests() {
		return this.requests.get();
	}

	/** Requests answered with 204, after the last event. */
	int noContent() {
		return this.noContent.get();
	}

	/** Connections that ended with a fault. */
	long faults() {
		long sum = 0;
		for (int i = 0; i < this.faults.length(); i++) {
			sum += this.faults.get(i);
		}
		return sum;
	}

	long faults(Fault fault) {
		return this.faults.get(fault.ordinal());
	}

	/** The faults injected, e.g. {@code between-events=12 mid-event=9 ...}. */
	String faultFigures() {
		StringBuilder figures = new StringBuilder();
		for (Fault fault : Fault.values()) {
			figures.append((figures.length() > 0) ? " " : "")
				.append(fault.name().toLowerCase().replace('_', '-'))
				.append('=')
				.append(faults(fault));
		}
		return figures.toString();
	}

	private Publisher<Void> serve(HttpServerRequest request, HttpServerResponse response) {
		int connection = this.requests.getAndIncrement();
		int stream = Integer.parseInt(request.param("stream"));
		String lastEventId = request.requestHeaders().get("Last-Event-ID");
		long after = (lastEventId != null) ? Long.parseLong(lastEventId) : 0;
		if (after >= this.events) {
			this.noContent.incrementAndGet();
			return response.status(204).send();
		}
		SplittableRandom random = new SplittableRandom(this.seed * 1_000_003 + connection);
		long from = Math.max(1, after + 1 - random.nextInt(this.overlap + 1));
		long to = Math.min(this.events, after + random.nextInt(2 * this.meanEventsPerConnection + 1));
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		for (long id = from; id <= to; id++) {
			body.writeBytes(event(stream, id));
		}
		HttpServerResponse head = response.header("Content-Type", "text/event-stream");
		if (to == this.events) {
			return head.sendByteArray(chunks(body.toByteArray(), random)).then();
		}
		Fault fault = Fault.pick(random);
		if (fault == Fault.STALL_BEFORE_RESPONSE && lastEventId == null) {
			// Not the first connection of a stream: SseProxy answers a first connection
			// without response headers with 504, it resumes open streams only.
			fault = Fault.STALL;
		}
		this.faults.incrementAndGet(fault.ordinal());
		byte[] next = event(stream, to + 1);
		int cut = cut(fault, next, random);
		if (fault == Fault.STALL && body.size() == 0 && cut == 0) {
			// At least one byte, so that the headers go out: this is a stall of the body.
			cut = 1;
		}
		body.write(next, 0, cut);
		byte[] bytes = body.toByteArray();
		if (fault == Fault.STALL_BEFORE_RESPONSE) {
			// Nothing is sent until the client closes the connection.
			return Mono.never();
		}
		if (fault == Fault.STALL) {
			// Reactor Netty cancels the send when the client closes the connection.
			return head.sendByteArray(chunks(bytes, random).concatWith(Flux.never())).then();
		}
		boolean reset = fault == Fault.RESET;
		Mono<Void> drop = Mono.fromRunnable(() -> response.withConnection((c) -> close(c.channel(), reset)));
		if (bytes.length == 0) {
			// Before the response headers.
			return drop;
		}
		return head.sendByteArray(chunks(bytes, random)).then().then(drop);
	}

	private static void close(Channel channel, boolean reset) {
		if (reset) {
			// A close with a zero linger time sends RST instead of FIN.
			channel.config().setOption(ChannelOption.SO_LINGER, 0);
		}
		channel.close();
	}

	/**
	 * An event of a stream: its lines end in LF, CRLF or CR, depending on the stream, and
	 * every seventh has a comment line first.
	 */
	private static byte[] event(int stream, long id) {
		String end = LINE_ENDS[stream % LINE_ENDS.length];
		String comment = (id % 7 == 0) ? ": tick" + end : "";
		String lines = comment + "id: " + id + end + "data: " + data(stream, id).replace("\n", end + "data: ") + end
				+ end;
		return lines.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Where to cut an event for a fault: how many of its bytes are sent.
	 */
	private static int cut(Fault fault, byte[] event, SplittableRandom random) {
		List<Integer> candidates = new ArrayList<>();
		// Never the whole event. (With CRLF, a cut before the last LF is a whole event to
		// the client: it then resumes after it, which is right too.)
		for (int at = 0; at < event.length; at++) {
			// A cut between CR and LF is in the middle of a line end.
			boolean lineStart = at == 0 || event[at - 1] == '\n' || (event[at - 1] == '\r' && event[at] != '\n');
			boolean continuation = (event[at] & 0xC0) == 0x80;
			boolean matches = switch (fault) {
				case BETWEEN_EVENTS -> at == 0;
				case MID_EVENT -> at > 0 && lineStart;
				case MID_LINE -> !lineStart && !continuation;
				case MID_CHARACTER -> continuation;
				case RESET, STALL -> true;
				case STALL_BEFORE_RESPONSE -> at == 0;
			};
			if (matches) {
				candidates.add(at);
			}
		}
		return candidates.get(random.nextInt(candidates.size()));
	}

	private static Flux<byte[]> chunks(byte[] bytes, SplittableRandom random) {
		List<byte[]> chunks = new ArrayList<>();
		for (int start = 0; start < bytes.length;) {
			int end = Math.min(bytes.length, start + 1 + random.nextInt(MAX_CHUNK));
			chunks.add(Arrays.copyOfRange(bytes, start, end));
			start = end;
		}
		// Not Flux.just or a Mono: those are sent with a Content-Length, not chunked.
		return Flux.fromIterable(chunks);
	}

	@Override
	public void close() {
		this.server.close();
		this.loops.disposeLater(Duration.ZERO, Duration.ofSeconds(10)).block(Duration.ofSeconds(10));
	}

}
