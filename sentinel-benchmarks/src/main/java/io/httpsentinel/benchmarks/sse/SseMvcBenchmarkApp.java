package io.httpsentinel.benchmarks.sse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import io.httpsentinel.client.SentinelClients;
import io.httpsentinel.sse.proxy.SseProxy;

/**
 * {@link SseBenchmarkApp} on Spring MVC (Tomcat): the same client {@code upstream} and
 * {@link BenchEndpoints}, with these ways to relay a stream of the upstream:
 * <ul>
 * <li>{@code /proxy/{stream}}: {@link SseProxy#forward}, pass-through (no hooks), the
 * same one-liner as in the WebFlux app (Sentinel's return value handler writes it in
 * MVC);</li>
 * <li>{@code /raw/{stream}}: the baseline, the relay a Spring MVC developer would write
 * without Sentinel's proxy: a {@link StreamingResponseBody} (on MVC's task executor,
 * where the proxy writes too) that writes each chunk of the same client's
 * {@link WebClient} body as it arrives and flushes the response (Spring Framework 7's
 * body stream ignores {@code flush()}), so that every event goes out at once;</li>
 * <li>{@code /raw-restclient/{stream}}: the same with the client's {@link RestClient},
 * copying its body's input stream in 8 KiB reads. Not the default: that stream (Spring's,
 * as with its own Reactor Netty request factory) fills the whole array before a read
 * returns, so events wait until 8 KiB have come (on a slow stream, seconds; an idle
 * stream's first event never goes out). Fine for the throughput part, where 8 KiB come at
 * once, and there it writes once per 8 KiB rather than once per event.</li>
 * </ul>
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import(SseMvcBenchmarkApp.Endpoints.class)
public class SseMvcBenchmarkApp {

	public static void main(String[] args) throws IOException {
		// Streams end when the load test closes them, not on MVC's async timeout; nor
		// does the app wait for open streams when it stops.
		BenchApps.run(SseMvcBenchmarkApp.class, WebApplicationType.SERVLET,
				Map.of("spring.mvc.async.request-timeout", "1h", "server.shutdown", "immediate"), args);
	}

	@RestController
	static class Endpoints extends BenchEndpoints {

		Endpoints(SentinelClients clients, SseProxy sseProxy) {
			super(clients, sseProxy);
		}

		@GetMapping(path = "/proxy/{stream}", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
		Mono<ResponseEntity<Flux<DataBuffer>>> proxy(@PathVariable String stream, HttpServletRequest request) {
			String query = request.getQueryString();
			return this.sseProxy.forward(this.upstream,
					(web) -> web.get().uri((uri) -> BenchApps.upstreamUri(uri, stream, query)));
		}

		@GetMapping(path = "/raw/{stream}", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
		ResponseEntity<StreamingResponseBody> raw(@PathVariable String stream, HttpServletRequest request,
				HttpServletResponse response) {
			String query = request.getQueryString();
			// Each chunk as it came, copied out of the pooled buffer (released at once):
			// nothing to release when the client goes away with chunks still queued.
			Flux<byte[]> body = this.upstream.webClient()
				.get()
				.uri((uri) -> BenchApps.upstreamUri(uri, stream, query))
				.retrieve()
				.bodyToFlux(byte[].class);
			// Spring Framework 7's StreamingResponseBody stream ignores flush() (unless
			// spring.http.response.flush.enabled=true): the response flushes.
			return eventStream((out) -> {
				// Closing the stream cancels the upstream request.
				try (Stream<byte[]> chunks = body.toStream()) {
					Iterator<byte[]> iterator = chunks.iterator();
					while (iterator.hasNext()) {
						out.write(iterator.next());
						response.flushBuffer();
					}
				}
			});
		}

		@GetMapping(path = "/raw-restclient/{stream}", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
		ResponseEntity<StreamingResponseBody> rawRestClient(@PathVariable String stream, HttpServletRequest request,
				HttpServletResponse response) {
			String query = request.getQueryString();
			RestClient restClient = this.upstream.restClient();
			return eventStream((out) -> {
				try {
					restClient.get()
						.uri((uri) -> BenchApps.upstreamUri(uri, stream, query))
						.exchange((upstreamRequest, upstreamResponse) -> {
							if (!upstreamResponse.getStatusCode().is2xxSuccessful()) {
								throw new IllegalStateException(
										"Upstream answered " + upstreamResponse.getStatusCode());
							}
							copy(upstreamResponse.getBody(), out, response);
							return null;
						});
				}
				catch (ResourceAccessException ex) {
					// The client went away (closing the upstream response): not an error.
					if (!(ex.getCause() instanceof AsyncRequestNotUsableException)) {
						throw ex;
					}
				}
			});
		}

		/**
		 * Copy the upstream's bytes, flushing after each read.
		 */
		private static void copy(InputStream in, OutputStream out, HttpServletResponse response) throws IOException {
			byte[] buffer = new byte[8192];
			for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
				out.write(buffer, 0, read);
				response.flushBuffer();
			}
		}

		private static <T> ResponseEntity<T> eventStream(T body) {
			return ResponseEntity.ok()
				.contentType(MediaType.TEXT_EVENT_STREAM)
				.cacheControl(CacheControl.noCache())
				.header("X-Accel-Buffering", "no")
				.body(body);
		}

	}

}
