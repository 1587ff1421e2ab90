package io.httpsentinel.sample;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A headless Chromium driven over the DevTools protocol (a WebSocket, with the JDK's
 * {@link HttpClient}): launched with a fresh profile in a temporary directory, and on
 * {@link #close()} stopped with every process it started and its profile deleted.
 */
final class HeadlessChromium implements AutoCloseable {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final Pattern DEVTOOLS_URL = Pattern.compile("DevTools listening on (ws://\\S+)");

	private final JsonMapper json = JsonMapper.builder().build();

	private final Path profile;

	private final Process process;

	private final StringBuffer output;

	private final WebSocket socket;

	private final AtomicInteger ids = new AtomicInteger();

	private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

	private HeadlessChromium(Path profile, Process process, StringBuffer output, String devtoolsUrl) throws Exception {
		this.profile = profile;
		this.process = process;
		this.output = output;
		this.socket = HttpClient.newHttpClient()
			.newWebSocketBuilder()
			.buildAsync(URI.create(devtoolsUrl), new Listener())
			.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
	}

	/**
	 * Start Chromium with a fresh profile and connect to it.
	 * @param executable the Chromium executable
	 * @return the browser
	 */
	static HeadlessChromium launch(Path executable) throws Exception {
		Path profile = Files.createTempDirectory("sentinel-chromium-");
		StringBuffer output = new StringBuffer();
		Process process = null;
		try {
			process = new ProcessBuilder(executable.toString(), "--headless", "--no-sandbox", "--disable-gpu",
					"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
					"--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank")
				.redirectErrorStream(true)
				.start();
			CompletableFuture<String> devtoolsUrl = readOutput(process, output);
			return new HeadlessChromium(profile, process, output,
					devtoolsUrl.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
		}
		catch (Exception ex) {
			if (process != null) {
				stop(processTree(process));
			}
			delete(profile);
			throw new IllegalStateException("Chromium did not start; its output:\n" + output, ex);
		}
	}

	/**
	 * The Chromium executable: {@code /usr/bin/chromium}, or {@code chromium} on the
	 * {@code PATH}.
	 * @return the executable, or empty if Chromium is not installed
	 */
	static Optional<Path> find() {
		Stream<Path> candidates = Stream.concat(Stream.of(Paths.get("/usr/bin/chromium")),
				Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
					.filter((directory) -> !directory.isEmpty())
					.map((directory) -> Paths.get(directory, "chromium")));
		return candidates.filter(Files::isExecutable).findFirst();
	}

	/**
	 * Launch Chromium, or skip the calling test (with a message naming the package to
	 * install) where it is not installed.
	 * @return the browser
	 * @throws Exception if Chromium is installed but does not start
	 */
	static HeadlessChromium launchOrSkip() throws Exception {
		Optional<Path> chromium = find();
		assumeTrue(chromium.isPresent(), "Chromium is not installed (neither /usr/bin/chromium nor chromium on the"
				+ " PATH): skipping the browser test. Install it with: apt-get install chromium");
		return launch(chromium.get());
	}

	/**
	 * Open the sample's page at {@code /} and wait until its script is ready.
	 * @param port the sample app's port
	 * @param timeout how long the page may take to load
	 * @return the tab
	 * @throws Exception if the page cannot be opened
	 */
	Tab openSamplePage(int port, Duration timeout) throws Exception {
		Tab page = open("http://127.0.0.1:" + port + "/");
		assertThat(page.await("document.readyState === 'complete' && window.demo !== undefined", timeout))
			.as(() -> "the page did not load; browser output:\n" + output())
			.isTrue();
		return page;
	}

	/**
	 * Open a page in a new tab.
	 * @param url the page's URL
	 * @return the tab
	 */
	Tab open(String url) throws Exception {
		String targetId = call(null, "Target.createTarget", Map.of("url", "about:blank")).path("targetId").asString();
		String sessionId = call(null, "Target.attachToTarget", Map.of("targetId", targetId, "flatten", true))
			.path("sessionId")
			.asString();
		// Answered once the new document is committed: evaluations then run in it, not in
		// a blank page about to be replaced.
		call(sessionId, "Page.navigate", Map.of("url", url));
		return new Tab(sessionId);
	}

	private JsonNode call(@Nullable String sessionId, String method, Map<String, Object> params) throws Exception {
		int id = this.ids.incrementAndGet();
		Map<String, Object> message = new LinkedHashMap<>();
		message.put("id", id);
		message.put("method", method);
		message.put("params", params);
		if (sessionId != null) {
			message.put("sessionId", sessionId);
		}
		CompletableFuture<JsonNode> response = new CompletableFuture<>();
		this.pending.put(id, response);
		this.socket.sendText(this.json.writeValueAsString(message), true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		JsonNode answer = response.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		if (answer.has("error")) {
			throw new IllegalStateException(method + " failed: " + answer.get("error"));
		}
		return answer.path("result");
	}

	/**
	 * Collect the process's output in a thread of its own (so that it never blocks on a
	 * full pipe) and find the DevTools URL in it.
	 */
	private static CompletableFuture<String> readOutput(Process process, StringBuffer output) {
		CompletableFuture<String> devtoolsUrl = new CompletableFuture<>();
		Thread reader = new Thread(() -> {
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				for (String line = lines.readLine(); line != null; line = lines.readLine()) {
					output.append(line).append('\n');
					Matcher matcher = DEVTOOLS_URL.matcher(line);
					if (matcher.find()) {
						devtoolsUrl.complete(matcher.group(1));
					}
				}
			}
			catch (IOException ex) {
				// The process ended.
			}
			devtoolsUrl.completeExceptionally(new IllegalStateException("Chromium ended its output"));
		}, "chromium-output");
		reader.setDaemon(true);
		reader.start();
		return devtoolsUrl;
	}

	/**
	 * Stop Chromium and every process it started, then delete its profile. Chromium is
	 * asked to close first; what still runs is terminated, then killed.
	 */
	@Override
	public void close() {
		// Collected first: once the launcher ends, its children are no longer its
		// descendants (Debian's launcher is a shell script that does not exec).
		List<ProcessHandle> processes = processTree(this.process);
		try {
			// Not waiting for the answer: the browser may close the socket first.
			this.socket.sendText("{\"id\":0,\"method\":\"Browser.close\"}", true);
			this.process.onExit().get(5, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			// Stopped below.
		}
		this.socket.abort();
		stop(processes);
		delete(this.profile);
	}

	/**
	 * The browser's output so far, for failure messages.
	 * @return the output
	 */
	String output() {
		return this.output.toString();
	}

	private static List<ProcessHandle> processTree(Process process) {
		List<ProcessHandle> processes = new ArrayList<>(process.descendants().toList());
		processes.add(process.toHandle());
		return processes;
	}

	private static void stop(List<ProcessHandle> processes) {
		processes.forEach(ProcessHandle::destroy);
		for (ProcessHandle handle : processes) {
			try {
				handle.onExit().get(5, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				handle.destroyForcibly();
				handle.onExit().join();
			}
		}
	}

	private static void delete(Path profile) {
		try (Stream<Path> paths = Files.walk(profile)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not delete Chromium's profile " + profile, ex);
		}
	}

	/**
	 * Receives the protocol's messages: answers complete their calls; events are ignored.
	 */
	private final class Listener implements WebSocket.Listener {

		private final StringBuilder message = new StringBuilder();

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.message.append(data);
			if (last) {
				JsonNode node = HeadlessChromium.this.json.readTree(this.message.toString());
				this.message.setLength(0);
				if (node.has("id")) {
					CompletableFuture<JsonNode> call = HeadlessChromium.this.pending.remove(node.get("id").asInt());
					if (call != null) {
						call.complete(node);
					}
				}
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			onError(webSocket, new IllegalStateException("DevTools connection closed: " + statusCode + " " + reason));
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			HeadlessChromium.this.pending.values().forEach((call) -> call.completeExceptionally(error));
		}

	}

	/**
	 * One tab (page) of the browser.
	 */
	final class Tab {

		private final String sessionId;

		private Tab(String sessionId) {
			this.sessionId = sessionId;
		}

		/**
		 * Evaluate a JavaScript expression in the page, waiting for it if it is a
		 * promise.
		 * @param expression the expression
		 * @return its value, as JSON
		 */
		JsonNode evaluate(String expression) throws Exception {
			JsonNode result = call(this.sessionId, "Runtime.evaluate",
					Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
			if (result.has("exceptionDetails")) {
				throw new IllegalStateException(
						"JavaScript failed: " + expression + "\n" + result.get("exceptionDetails"));
			}
			return result.path("result").path("value");
		}

		/**
		 * Wait until a JavaScript condition holds in the page (checked by the page itself
		 * every 50ms).
		 * @param condition the condition, a JavaScript expression
		 * @param timeout how long to wait at most
		 * @return whether it held in time
		 */
		boolean await(String condition, Duration timeout) throws Exception {
			return evaluate("new Promise((resolve) => { const end = Date.now() + " + timeout.toMillis() + ";"
					+ " const check = () => { if (" + condition + ") { resolve(true); }"
					+ " else if (Date.now() > end) { resolve(false); } else { setTimeout(check, 50); } };"
					+ " check(); })")
				.asBoolean();
		}

	}

}
