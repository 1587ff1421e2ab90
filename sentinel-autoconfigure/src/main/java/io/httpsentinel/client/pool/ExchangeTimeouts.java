package io.httpsentinel.client.pool;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;
import reactor.netty.http.client.HttpClient;

import io.httpsentinel.SentinelException;

/**
 * Installs the two per-exchange timeouts on the connection itself: the response-headers
 * timeout from the request being sent until the headers arrive, then the read-idle
 * timeout between body chunks. Reactor Netty's own {@code responseTimeout} covers both
 * phases with one value, which is wrong for LLM APIs: they may think for a minute before
 * answering, then stream tokens seconds apart.
 * <p>
 * One handler per connection serves every exchange on it, so that an exchange changes
 * neither the pipeline nor the event loop's timer queue: it only records its phase and
 * the time of its last read. The handler's one timer is checked when it fires and set
 * again for the time left, so a busy pooled connection sets it about once per timeout,
 * not once per exchange.
 */
final class ExchangeTimeouts {

	static final String HANDLER = "sentinel.exchangeTimeouts";

	private static final AttributeKey<TimeoutHandler> TIMEOUTS = AttributeKey.valueOf(HANDLER);

	private ExchangeTimeouts() {
	}

	static HttpClient apply(HttpClient httpClient, String clientName, Duration responseHeaders, Duration readIdle) {
		Supplier<SentinelException> headersError = () -> new ResponseHeadersTimeoutException(clientName,
				responseHeaders);
		Supplier<SentinelException> readIdleError = () -> new ReadIdleTimeoutException(clientName, readIdle);
		long headersNanos = responseHeaders.toNanos();
		long readIdleNanos = readIdle.toNanos();
		return httpClient
			.doOnRequest((request,
					connection) -> handler(connection, headersNanos, headersError, readIdleNanos, readIdleError)
						.exchangeStarted())
			.doAfterRequest((request, connection) -> handlerOf(connection).requestSent())
			.doOnResponse((response, connection) -> handlerOf(connection).responded())
			.doAfterResponseSuccess((response, connection) -> handlerOf(connection).exchangeEnded());
	}

	/**
	 * The connection's handler, installed on its first exchange (and again if something
	 * removed it).
	 */
	private static TimeoutHandler handler(Connection connection, long headersNanos,
			Supplier<SentinelException> headersError, long readIdleNanos, Supplier<SentinelException> readIdleError) {
		TimeoutHandler handler = connection.channel().attr(TIMEOUTS).get();
		if (handler != null && handler.isInstalled()) {
			return handler;
		}
		handler = new TimeoutHandler(headersNanos, headersError, readIdleNanos, readIdleError);
		ChannelPipeline pipeline = connection.channel().pipeline();
		if (pipeline.get(HANDLER) != null) {
			pipeline.remove(HANDLER);
		}
		if (pipeline.get(NettyPipeline.ReactiveBridge) != null) {
			// Before the bridge, which consumes every read: it stays for the connection's
			// life, pooled or not.
			pipeline.addBefore(NettyPipeline.ReactiveBridge, HANDLER, handler);
		}
		else {
			connection.addHandlerFirst(HANDLER, handler);
		}
		connection.channel().attr(TIMEOUTS).set(handler);
		return handler;
	}

	private static TimeoutHandler handlerOf(Connection connection) {
		TimeoutHandler handler = connection.channel().attr(TIMEOUTS).get();
		return (handler != null) ? handler : TimeoutHandler.NONE;
	}

	/**
	 * The timeouts of the exchanges on one connection, one at a time (all its methods run
	 * on the connection's event loop). When a timeout passes, it fails the exchange with
	 * a typed error naming the client, then closes the connection (its state is unknown,
	 * so it must not return to the pool).
	 */
	private static final class TimeoutHandler extends ChannelInboundHandlerAdapter implements Runnable {

		/** Stands in when no handler was installed: does nothing. */
		static final TimeoutHandler NONE = new TimeoutHandler(0, () -> null, 0, () -> null);

		private static final int IDLE = 0;

		private static final int AWAITING_HEADERS = 1;

		private static final int READING_BODY = 2;

		private final long headersNanos;

		private final Supplier<SentinelException> headersError;

		private final long readIdleNanos;

		private final Supplier<SentinelException> readIdleError;

		private @Nullable ChannelHandlerContext context;

		private int phase = IDLE;

		/**
		 * Set once the response headers arrived; a server may answer before the request
		 * is sent.
		 */
		private boolean responded;

		/** When the current phase started, or the last read in it. */
		private long lastActivityNanos;

		private @Nullable ScheduledFuture<?> timer;

		/** When {@link #timer} fires. */
		private long timerNanos;

		TimeoutHandler(long headersNanos, Supplier<SentinelException> headersError, long readIdleNanos,
				Supplier<SentinelException> readIdleError) {
			this.headersNanos = headersNanos;
			this.headersError = headersError;
			this.readIdleNanos = readIdleNanos;
			this.readIdleError = readIdleError;
		}

		boolean isInstalled() {
			ChannelHandlerContext context = this.context;
			return context != null && !context.isRemoved();
		}

		void exchangeStarted() {
			this.phase = IDLE;
			this.responded = false;
		}

		void requestSent() {
			if (!this.responded) {
				enter(AWAITING_HEADERS, this.headersNanos);
			}
		}

		void responded() {
			this.responded = true;
			enter(READING_BODY, this.readIdleNanos);
		}

		void exchangeEnded() {
			this.phase = IDLE;
		}

		private void enter(int phase, long timeoutNanos) {
			ChannelHandlerContext context = this.context;
			if (context == null) {
				return;
			}
			long now = System.nanoTime();
			this.phase = phase;
			this.lastActivityNanos = now;
			long deadline = now + timeoutNanos;
			if (this.timer != null) {
				if (this.timerNanos - deadline <= 0) {
					// Fires first; it sets itself again for the time left.
					return;
				}
				this.timer.cancel(false);
			}
			schedule(context, timeoutNanos, now);
		}

		private void schedule(ChannelHandlerContext context, long delayNanos, long now) {
			this.timerNanos = now + delayNanos;
			this.timer = context.executor().schedule(this, delayNanos, TimeUnit.NANOSECONDS);
		}

		@Override
		public void run() {
			this.timer = null;
			ChannelHandlerContext context = this.context;
			if (this.phase == IDLE || context == null || !context.channel().isActive()) {
				return;
			}
			long timeout = (this.phase == AWAITING_HEADERS) ? this.headersNanos : this.readIdleNanos;
			long now = System.nanoTime();
			long left = this.lastActivityNanos + timeout - now;
			if (left > 0) {
				schedule(context, left, now);
				return;
			}
			SentinelException error = ((this.phase == AWAITING_HEADERS) ? this.headersError : this.readIdleError).get();
			this.phase = IDLE;
			context.fireExceptionCaught(error);
			context.close();
		}

		@Override
		public void channelRead(ChannelHandlerContext context, Object message) throws Exception {
			if (this.phase != IDLE) {
				this.lastActivityNanos = System.nanoTime();
			}
			context.fireChannelRead(message);
		}

		@Override
		public void handlerAdded(ChannelHandlerContext context) {
			this.context = context;
		}

		@Override
		public void handlerRemoved(ChannelHandlerContext context) {
			this.phase = IDLE;
			if (this.timer != null) {
				this.timer.cancel(false);
				this.timer = null;
			}
		}

	}

}
