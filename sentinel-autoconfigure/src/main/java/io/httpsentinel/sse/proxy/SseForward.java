package io.httpsentinel.sse.proxy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.ResponseEntity;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;

import io.httpsentinel.client.SentinelClient;
import io.httpsentinel.sse.EventHooks;
import io.httpsentinel.sse.SseEvent;
import io.httpsentinel.sse.SseProxySettings;
import io.httpsentinel.sse.SseWriter;

/**
 * One stream to forward, configured fluently and started by {@link #toResponse()} (or one
 * of its variants). Made by {@link SseProxy#from}; immutable: every method returns a new
 * instance, so a partly configured forward can be kept and reused. <pre class="code">
 * return sseProxy.from(llm, (web) -&gt; web.post().uri("/v1/messages").bodyValue(body))
 *     .map((event) -&gt; event.mutate().data(rewrite(event.data())).build())
 *     .filter((event) -&gt; !event.type().equals("ping"))
 *     .heartbeat(Duration.ofSeconds(10))
 *     .toResponse();
 * </pre>
 * <p>
 * <strong>Hooks</strong> ({@link #map}, {@link #filter}, {@link #flatMap}) run in the
 * order they were added, synchronously, on each event as it arrives (on a network thread:
 * never block in them). They see events with data only; blocks without data (an
 * {@code id} or {@code retry} alone, comments) are forwarded unchanged. An event a hook
 * returns as it received it is forwarded as its original bytes; any other is written by
 * {@link SseWriter} (CR and LF in its data become separate {@code data:} lines; CR, LF or
 * NUL in its id or type fail the stream with the {@code proxy-error} event). Without
 * hooks, events are forwarded exactly as received, never decoded and re-encoded.
 */
public final class SseForward {

	private final SseProxy proxy;

	private final SentinelClient client;

	private final Function<WebClient, WebClient.RequestHeadersSpec<?>> request;

	private final EventHooks hooks;

	private final @Nullable Duration heartbeat;

	private final @Nullable Boolean resume;

	private final @Nullable String lastEventId;

	private final @Nullable Function<? super Throwable, ? extends @Nullable SseEvent> errorEvent;

	private final List<String> forwardHeaders;

	SseForward(SseProxy proxy, SentinelClient client, Function<WebClient, WebClient.RequestHeadersSpec<?>> request,
			@Nullable String lastEventId) {
		this(proxy, client, request, EventHooks.NONE, null, null, lastEventId, null, List.of());
	}

	private SseForward(SseProxy proxy, SentinelClient client,
			Function<WebClient, WebClient.RequestHeadersSpec<?>> request, EventHooks hooks,
			@Nullable Duration heartbeat, @Nullable Boolean resume, @Nullable String lastEventId,
			@Nullable Function<? super Throwable, ? extends @Nullable SseEvent> errorEvent,
			List<String> forwardHeaders) {
		this.proxy = proxy;
		this.client = client;
		this.request = request;
		this.hooks = hooks;
		this.heartbeat = heartbeat;
		this.resume = resume;
		this.lastEventId = lastEventId;
		this.errorEvent = errorEvent;
		this.forwardHeaders = forwardHeaders;
	}

	/**
	 * Transform each event, e.g. to rewrite a provider's format:
	 * {@code map((event) -> event.mutate().data(convert(event.data())).build())}.
	 * @param mapper returns the event to forward (never {@code null})
	 * @return a new forward with the hook added
	 */
	public SseForward map(Function<? super SseEvent, SseEvent> mapper) {
		return withHooks(this.hooks.map(mapper));
	}

	/**
	 * Forward only the events that match.
	 * @param predicate whether to forward an event
	 * @return a new forward with the hook added
	 */
	public SseForward filter(Predicate<? super SseEvent> predicate) {
		return withHooks(this.hooks.filter(predicate));
	}

	/**
	 * Replace each event by any number of events (none to drop it), e.g. to split a
	 * provider's batched event into one event per token. Synchronous: the hook returns
	 * the events, it does not subscribe to anything.
	 * @param mapper returns the events to forward, or {@code null} or empty for none
	 * @return a new forward with the hook added
	 */
	public SseForward flatMap(Function<? super SseEvent, ? extends @Nullable Iterable<SseEvent>> mapper) {
		return withHooks(this.hooks.flatMap(mapper));
	}

	/**
	 * Send a comment line to the downstream client after this much silence, instead of
	 * the client's {@code sse.heartbeat}.
	 * @param interval the silence, or {@link Duration#ZERO} for no heartbeats
	 * @return a new forward
	 */
	public SseForward heartbeat(Duration interval) {
		Objects.requireNonNull(interval, "interval");
		if (interval.isNegative()) {
			throw new IllegalArgumentException("heartbeat must not be negative: " + interval);
		}
		return new SseForward(this.proxy, this.client, this.request, this.hooks, interval, this.resume,
				this.lastEventId, this.errorEvent, this.forwardHeaders);
	}

	/**
	 * Resume the upstream after a failure or not, instead of the client's
	 * {@code sse.resume.enabled}. Resuming reconnects with {@code Last-Event-ID} while
	 * the downstream client stays connected, and skips the events the upstream sends
	 * again; it needs an id on every event, and a request that may be sent again (not a
	 * POST that starts a new generation).
	 * @param resume whether to resume
	 * @return a new forward
	 */
	public SseForward resume(boolean resume) {
		return new SseForward(this.proxy, this.client, this.request, this.hooks, this.heartbeat, resume,
				this.lastEventId, this.errorEvent, this.forwardHeaders);
	}

	/**
	 * The {@code Last-Event-ID} to send upstream, instead of the downstream request's own
	 * {@code Last-Event-ID} header (which is passed on by default). It is sent as its
	 * UTF-8 bytes, without the spaces and tabs around it; an id with another control
	 * character is not sent (HTTP cannot carry it; a warning says so).
	 * @param lastEventId the id (no CR, LF or NUL: an {@code id} field cannot hold them),
	 * or {@code ""} for none
	 * @return a new forward
	 */
	public SseForward lastEventId(String lastEventId) {
		SseWriter.checkField("Last-Event-ID", lastEventId);
		return new SseForward(this.proxy, this.client, this.request, this.hooks, this.heartbeat, this.resume,
				lastEventId, this.errorEvent, this.forwardHeaders);
	}

	/**
	 * The event sent when the upstream fails after the response was committed, instead of
	 * {@link SseErrorEvents#standard}.
	 * @param errorEvent returns the event for a failure, or {@code null} to end the
	 * stream without one
	 * @return a new forward
	 */
	public SseForward onErrorEvent(Function<? super Throwable, ? extends @Nullable SseEvent> errorEvent) {
		Objects.requireNonNull(errorEvent, "errorEvent");
		return new SseForward(this.proxy, this.client, this.request, this.hooks, this.heartbeat, this.resume,
				this.lastEventId, errorEvent, this.forwardHeaders);
	}

	/**
	 * Copy these headers of the upstream's response to the downstream response (for
	 * example a request id). Hop-by-hop headers, and the headers the proxy sets itself,
	 * are never copied.
	 * @param names the header names
	 * @return a new forward
	 */
	public SseForward forwardHeaders(String... names) {
		List<String> all = new ArrayList<>(this.forwardHeaders);
		all.addAll(List.of(names));
		return new SseForward(this.proxy, this.client, this.request, this.hooks, this.heartbeat, this.resume,
				this.lastEventId, this.errorEvent, List.copyOf(all));
	}

	/**
	 * Start forwarding, for a WebFlux controller: the {@code Mono} completes when the
	 * upstream's headers arrive, with a 200 {@code text/event-stream} response whose body
	 * is the stream (committed at once, even while the upstream is quiet), or with the
	 * status the failure maps to (503, 502, 504 or 204, see {@link SseProxy}). Nothing
	 * happens until it is subscribed; cancelling it, or the body, cancels the upstream
	 * request.
	 * <p>
	 * The same call works in a Spring MVC controller: the returned {@code Mono} is one
	 * that Sentinel's {@link SseProxyReturnValueHandler} (registered by the
	 * auto-configuration) writes as {@link #toResponseBodyEmitter()} does. If Spring MVC
	 * subscribes to it instead (the handler is not registered, or the {@code Mono} was
	 * transformed, e.g. with {@code map}), the response fails with an
	 * {@link IllegalStateException} saying so: the buffers are never written as JSON.
	 * @return the response
	 */
	public Mono<ResponseEntity<Flux<DataBuffer>>> toResponse() {
		return new ForwardedStream(this);
	}

	/**
	 * Open the stream when subscribed.
	 * @return the response
	 */
	Mono<ResponseEntity<Flux<DataBuffer>>> open() {
		return this.proxy.open(this);
	}

	/**
	 * Start forwarding, for a WebFlux functional endpoint ({@code RouterFunction}).
	 * @return the response
	 * @see #toResponse()
	 */
	public Mono<ServerResponse> toServerResponse() {
		return toResponse().flatMap((entity) -> ServerResponse.status(entity.getStatusCode())
			.headers((headers) -> headers.addAll(entity.getHeaders()))
			.body(BodyInserters.fromDataBuffers(Objects.requireNonNull(entity.getBody()))));
	}

	/**
	 * Start forwarding, for a Spring MVC controller, without
	 * {@link SseProxyReturnValueHandler} (with it, {@link #toResponse()} does the same).
	 * Spring MVC cannot write the {@link #toResponse() WebFlux response} by itself: for
	 * {@code text/event-stream} it wraps each element of a {@code Flux} in a
	 * {@code data:} line of its own. This writes the stream's bytes through a
	 * {@link ResponseBodyEmitter} instead, with the same status, headers and behaviour.
	 * Servlet writes block: each write runs on the proxy's executor (Reactor's bounded
	 * elastic scheduler; with Spring Boot and
	 * {@code spring.threads.virtual.enabled=true}, Boot's
	 * {@code applicationTaskExecutor}, so virtual threads), one at a time per stream. A
	 * write blocked longer than {@code sse.slow-client-timeout} (a client that stopped
	 * reading) drops the client: on Tomcat its connection is closed and the write
	 * interrupted, so that it frees its thread; on other servlet containers the write
	 * ends with the container's write timeout. <pre class="code">
	 * &#64;GetMapping(path = "/chat", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	 * DeferredResult&lt;ResponseEntity&lt;ResponseBodyEmitter&gt;&gt; chat() {
	 *     return sseProxy.from(llm, (web) -&gt; web.get().uri("/v1/stream")).toResponseBodyEmitter();
	 * }
	 * </pre> Call it on the request's thread: the downstream {@code Last-Event-ID} is
	 * read from the request bound to it when the forward is made.
	 * @return the result to return from the controller
	 */
	public DeferredResult<ResponseEntity<ResponseBodyEmitter>> toResponseBodyEmitter() {
		return MvcResponse.of((context) -> open().contextWrite(context), this.proxy.executor(),
				this.client.settings().sse().proxy().slowClientTimeout());
	}

	private SseForward withHooks(EventHooks hooks) {
		return new SseForward(this.proxy, this.client, this.request, hooks, this.heartbeat, this.resume,
				this.lastEventId, this.errorEvent, this.forwardHeaders);
	}

	SentinelClient client() {
		return this.client;
	}

	/**
	 * The {@code Last-Event-ID} set on this forward (or taken from the servlet request
	 * when it was made), if any.
	 */
	@Nullable String lastEventId() {
		return this.lastEventId;
	}

	StreamOptions options(Function<? super Throwable, ? extends @Nullable SseEvent> defaultErrorEvent,
			WebClient webClient) {
		SseProxySettings settings = this.client.settings().sse().proxy();
		Duration heartbeat = (this.heartbeat != null) ? this.heartbeat : settings.heartbeat();
		boolean resume = (this.resume != null) ? this.resume : Boolean.TRUE.equals(settings.resume().enabled());
		return new StreamOptions(this.client, webClient, this.request, this.hooks, heartbeat.toNanos(),
				settings.bufferSize().toBytes(), settings.slowClientPolicy(), settings.slowClientTimeout().toNanos(),
				settings.maxStreams(), resume, settings.resume(),
				(this.errorEvent != null) ? this.errorEvent : defaultErrorEvent, this.forwardHeaders,
				this.client.settings().sse().limits());
	}

}
