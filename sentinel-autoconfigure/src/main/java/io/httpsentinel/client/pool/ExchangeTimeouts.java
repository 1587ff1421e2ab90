package io.httpsentinel.client.pool;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.AttributeKey;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;

import io.httpsentinel.SentinelException;

/**
 * Installs the two per-exchange timeouts on the connection itself, where they cost one
 * scheduled task each: the response-headers timeout from the request being sent until the
 * headers arrive, then the read-idle timeout between body chunks. Reactor Netty's own
 * {@code responseTimeout} covers both phases with one value, which is wrong for LLM APIs:
 * they may think for a minute before answering, then stream tokens seconds apart.
 */
final class ExchangeTimeouts {

	static final String RESPONSE_HEADERS_HANDLER = "sentinel.responseHeadersTimeout";

	static final String READ_IDLE_HANDLER = "sentinel.readIdleTimeout";

	/**
	 * Set once the response headers arrived; a server may answer before the request is
	 * sent.
	 */
	private static final AttributeKey<Boolean> RESPONDED = AttributeKey.valueOf("sentinel.responded");

	private ExchangeTimeouts() {
	}

	static HttpClient apply(HttpClient httpClient, String clientName, Duration responseHeaders, Duration readIdle) {
		return httpClient.doOnRequest((request, connection) -> responded(connection, false))
			.doAfterRequest((request, connection) -> {
				if (!Boolean.TRUE.equals(connection.channel().attr(RESPONDED).get())) {
					connection.addHandlerFirst(RESPONSE_HEADERS_HANDLER, new FailingTimeoutHandler(responseHeaders,
							() -> new ResponseHeadersTimeoutException(clientName, responseHeaders)));
				}
			})
			.doOnResponse((response, connection) -> {
				responded(connection, true);
				connection.removeHandler(RESPONSE_HEADERS_HANDLER);
				connection.addHandlerFirst(READ_IDLE_HANDLER,
						new FailingTimeoutHandler(readIdle, () -> new ReadIdleTimeoutException(clientName, readIdle)));
			})
			.doAfterResponseSuccess((response, connection) -> connection.removeHandler(READ_IDLE_HANDLER));
	}

	private static void responded(Connection connection, boolean responded) {
		connection.channel().attr(RESPONDED).set(responded);
	}

	/**
	 * Fails the exchange with a typed error naming the client, then closes the connection
	 * (its state is unknown, so it must not return to the pool).
	 */
	private static final class FailingTimeoutHandler extends ReadTimeoutHandler {

		private final Supplier<SentinelException> error;

		private boolean fired;

		FailingTimeoutHandler(Duration timeout, Supplier<SentinelException> error) {
			super(timeout.toNanos(), TimeUnit.NANOSECONDS);
			this.error = error;
		}

		@Override
		protected void readTimedOut(ChannelHandlerContext ctx) {
			if (!this.fired) {
				this.fired = true;
				ctx.fireExceptionCaught(this.error.get());
				ctx.close();
			}
		}

	}

}
