package io.httpsentinel.chaos;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The upstream of the inbound fuzzing: a plain socket server on loopback that records the
 * raw bytes of every request head it receives (so that a header split by the proxy shows
 * as it went over the wire, not as a parser repaired it) and answers with an event
 * stream. {@code /stream} sends two events with ids and ends; {@code /steady/<n>} sends
 * an event every few milliseconds until {@link #endSteadyStreams()}, then a last event
 * {@code end} whose data is the number of events sent before it.
 */
final class InboundUpstream implements AutoCloseable {

	/** Request heads larger than this end the connection (the proxy never sends one). */
	private static final int MAX_HEAD = 256 * 1024;

	/** Events of {@code /stream}, with ids: a resume would have something to ask for. */
	static final String STREAM_BODY = "id: 1\ndata: fuzz-1\n\nid: 2\ndata: fuzz-2\n\n";

	private final ServerSocket server;

	private final ExecutorService connections = Executors.newCachedThreadPool((task) -> {
		Thread thread = new Thread(task, "inbound-upstream");
		thread.setDaemon(true);
		return thread;
	});

	private final List<byte[]> heads = new CopyOnWriteArrayList<>();

	private final Map<String, AtomicInteger> steadySent = new ConcurrentHashMap<>();

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private volatile boolean steadyEnded;

	InboundUpstream() throws IOException {
		this.server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
		this.connections.execute(this::accept);
	}

	URI baseUrl() {
		return URI.create("http://127.0.0.1:" + this.server.getLocalPort());
	}

	/**
	 * Raw bytes of every request head received so far (request line and headers, up to
	 * and without the blank line), in order.
	 */
	List<byte[]> heads() {
		return List.copyOf(this.heads);
	}

	int requests() {
		return this.heads.size();
	}

	/** Ask every steady stream, open or still to come, to send its last event and end. */
	void endSteadyStreams() {
		this.steadyEnded = true;
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket socket = this.server.accept();
				this.sockets.add(socket);
				this.connections.execute(() -> serve(socket));
			}
			catch (IOException ex) {
				// Closed.
			}
		}
	}

	private void serve(Socket socket) {
		try (socket) {
			socket.setTcpNoDelay(true);
			InputStream in = socket.getInputStream();
			OutputStream out = socket.getOutputStream();
			for (;;) {
				byte[] head = readHead(in);
				if (head == null) {
					return;
				}
				this.heads.add(head);
				String requestLine = new String(head, StandardCharsets.ISO_8859_1).split("\r\n", 2)[0];
				String[] parts = requestLine.split(" ");
				String path = (parts.length > 1) ? parts[1] : "";
				out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
						+ "Transfer-Encoding: chunked\r\n\r\n")
					.getBytes(StandardCharsets.US_ASCII));
				if (path.startsWith("/steady/")) {
					steady(path, out);
				}
				else {
					chunk(out, STREAM_BODY);
				}
				out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
				out.flush();
			}
		}
		catch (IOException | InterruptedException ex) {
			// The proxy went away (a client that left) or the server closes.
		}
		finally {
			this.sockets.remove(socket);
		}
	}

	private void steady(String path, OutputStream out) throws IOException, InterruptedException {
		AtomicInteger sent = this.steadySent.computeIfAbsent(path, (key) -> new AtomicInteger());
		while (!this.steadyEnded) {
			int id = sent.incrementAndGet();
			chunk(out, "id: " + id + "\ndata: " + id + "\n\n");
			out.flush();
			// The pace of the stream (not a wait for a condition): an event every 20 ms.
			TimeUnit.MILLISECONDS.sleep(20);
		}
		chunk(out, "event: end\ndata: " + sent.get() + "\n\n");
	}

	private static void chunk(OutputStream out, String text) throws IOException {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
		out.write(bytes);
		out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
	}

	/** The bytes up to the blank line that ends a head, or {@code null} at the end. */
	private static byte[] readHead(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		int matched = 0;
		while (matched < 4) {
			int b = in.read();
			if (b < 0 || head.size() > MAX_HEAD) {
				return null;
			}
			head.write(b);
			matched = (b == ((matched % 2 == 0) ? '\r' : '\n')) ? matched + 1 : ((b == '\r') ? 1 : 0);
		}
		byte[] bytes = head.toByteArray();
		return Arrays.copyOf(bytes, bytes.length - 4);
	}

	@Override
	public void close() throws IOException {
		this.steadyEnded = true;
		this.server.close();
		for (Socket socket : this.sockets) {
			socket.close();
		}
		this.connections.shutdownNow();
	}

}
