package io.httpsentinel.chaos;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import io.httpsentinel.testsupport.SelfSignedCertificate;

/**
 * A TCP-level HTTP/1.1 proxy on loopback in front of a real upstream that injects
 * {@link Fault faults} as its {@link FaultPlan} says. It decodes requests but writes
 * responses as raw bytes, so that it can break them off at an exact point: reset in the
 * middle of a body, half-close, a chunked body without its last chunk, a TLS handshake
 * that never completes. (WireMock's faults cannot do these at chosen points, nor a TLS
 * stall, and would not sit in front of a real upstream that counts what it processed.)
 * Close it at the end of a test.
 */
final class FaultInjectingProxy implements AutoCloseable {

	private static final int MAX_REQUEST_SIZE = 1024 * 1024;

	private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

	private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

	private final ConnectionProvider upstreamPool = ConnectionProvider.builder("fault-injecting-proxy")
		.maxConnections(512)
		.pendingAcquireMaxCount(-1)
		.build();

	private final AtomicBoolean closed = new AtomicBoolean();

	private final FaultPlan plan;

	private final @Nullable SslContext tls;

	private final Channel server;

	private final FaultyExchanges exchanges;

	private FaultInjectingProxy(URI upstream, FaultPlan plan, @Nullable SslContext tls) {
		this.plan = plan;
		this.tls = tls;
		HttpClient client = HttpClient.create(this.upstreamPool)
			.baseUrl(upstream.toString())
			.responseTimeout(Duration.ofSeconds(30));
		this.exchanges = new FaultyExchanges(client, plan);
		this.server = new ServerBootstrap().group(this.group)
			.channel(NioServerSocketChannel.class)
			.childHandler(new ChannelInitializer<SocketChannel>() {

				@Override
				protected void initChannel(SocketChannel channel) {
					accepted(channel);
				}

			})
			.bind(new InetSocketAddress("127.0.0.1", 0))
			.syncUninterruptibly()
			.channel();
	}

	/**
	 * Start a plain HTTP proxy.
	 * @param upstream the upstream's base URL
	 * @param plan the faults to inject
	 * @return the started proxy
	 */
	static FaultInjectingProxy start(URI upstream, FaultPlan plan) {
		return new FaultInjectingProxy(upstream, plan, null);
	}

	/**
	 * Start a proxy that speaks TLS to its clients (and plain HTTP to the upstream).
	 * @param upstream the upstream's base URL
	 * @param plan the faults to inject
	 * @param tls the server's TLS context
	 * @return the started proxy
	 */
	static FaultInjectingProxy startTls(URI upstream, FaultPlan plan, SslContext tls) {
		return new FaultInjectingProxy(upstream, plan, tls);
	}

	/**
	 * Start a proxy that speaks TLS to its clients with a fresh self-signed certificate
	 * for {@code 127.0.0.1} (clients have to trust every certificate).
	 * @param upstream the upstream's base URL
	 * @param plan the faults to inject
	 * @param directory where to write the certificate
	 * @return the started proxy
	 * @throws Exception if the certificate cannot be made
	 */
	static FaultInjectingProxy startTls(URI upstream, FaultPlan plan, Path directory) throws Exception {
		SelfSignedCertificate certificate = SelfSignedCertificate.create(directory);
		return startTls(upstream, plan,
				SslContextBuilder.forServer(certificate.privateKey(), certificate.certificate()).build());
	}

	URI baseUrl() {
		int port = ((InetSocketAddress) this.server.localAddress()).getPort();
		return URI.create(((this.tls != null) ? "https" : "http") + "://127.0.0.1:" + port);
	}

	FaultPlan plan() {
		return this.plan;
	}

	/**
	 * Connections from clients open right now.
	 * @return the count
	 */
	int openConnections() {
		return this.channels.size();
	}

	private void accepted(SocketChannel channel) {
		this.channels.add(channel);
		Fault fault = this.plan.nextConnection();
		ChannelPipeline pipeline = channel.pipeline();
		if (fault == Fault.REFUSED) {
			pipeline.addLast(new ChannelInboundHandlerAdapter() {

				@Override
				public void channelActive(ChannelHandlerContext ctx) {
					reset(ctx.channel());
				}

			});
			return;
		}
		if (fault == Fault.TLS_HANDSHAKE_STALL && this.tls != null) {
			pipeline.addLast(new ChannelInboundHandlerAdapter() {

				@Override
				public void channelRead(ChannelHandlerContext ctx, Object msg) {
					// Read the hello, answer nothing.
					ReferenceCountUtil.release(msg);
				}

			});
			return;
		}
		if (this.tls != null) {
			pipeline.addLast(this.tls.newHandler(channel.alloc()));
		}
		pipeline.addLast(new HttpRequestDecoder(), new HttpObjectAggregator(MAX_REQUEST_SIZE), this.exchanges);
	}

	/**
	 * Close a connection with a reset (RST) rather than a FIN, without a TLS
	 * {@code close_notify} first.
	 * @param channel the connection
	 */
	static void reset(Channel channel) {
		channel.config().setOption(ChannelOption.SO_LINGER, 0);
		channel.unsafe().close(channel.voidPromise());
	}

	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		this.server.close().syncUninterruptibly();
		this.channels.close().awaitUninterruptibly(10, TimeUnit.SECONDS);
		this.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
		this.upstreamPool.disposeLater().block(Duration.ofSeconds(10));
	}

}
