package io.ftvm.replication.console;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * Opens a {@link ConsoleClient}'s connections on its I/O thread: TCP with no delay, the console framing with the
 * client's keepalive, and TLS when the client speaks it (silence counted from the end of the handshake only).
 */
final class ConsoleDialer {
    private final EventLoop loop;
    private final ConsoleClientConfig config;
    private final SslContext tls;
    private final ConsoleFraming.Stats stats;

    /** {@code tls} null: plain TCP. */
    ConsoleDialer(EventLoop loop, ConsoleClientConfig config, SslContext tls, ConsoleFraming.Stats stats) {
        this.loop = loop;
        this.config = config;
        this.tls = tls;
        this.stats = stats;
    }

    /** How long a TLS handshake may take: four peer timeouts, at least 200 ms, at most the connect timeout. */
    static long handshakeTimeoutMillis(ConsoleClientConfig config) {
        return Math.min(config.connectTimeout().toMillis(), Math.max(200, 4 * config.peerTimeout().toMillis()));
    }

    /** Connects to {@code ep} with {@code handler} in the pipeline; {@code failed} is told if the connect fails. */
    Channel dial(Endpoint ep, ConsoleClientHandler handler, Consumer<Throwable> failed) {
        ChannelFuture f = new Bootstrap().group(loop).channel(Transports.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ConsoleFraming.install(ch.pipeline(), ConsoleFraming.Side.CLIENT,
                                config.keepaliveInterval(), config.peerTimeout(), stats);
                        ch.pipeline().addBefore("guard", "console-client", handler);
                        if (tls != null) {
                            secure(ch, ep);
                        }
                    }
                }).connect(InetSocketAddress.createUnresolved(ep.host(), ep.port()));
        f.addListener(done -> {
            if (!done.isSuccess()) {
                failed.accept(done.cause());
            }
        });
        return f.channel();
    }

    /**
     * Silence counts from the end of the handshake only: a loaded server's slow handshake is not a dead peer (cutting
     * it at the peer timeout would just start another). The handshake itself gets four peer timeouts (at least
     * 200 ms, at most the connect timeout): a frozen host accepts the TCP connection (its kernel does) but never
     * answers.
     */
    private void secure(SocketChannel ch, Endpoint ep) {
        io.netty.handler.ssl.SslHandler ssl = tls.newHandler(ch.alloc(), ep.host(), ep.port());
        ssl.setHandshakeTimeoutMillis(handshakeTimeoutMillis(config));
        ch.pipeline().addFirst("tls", ssl);
        ch.pipeline().remove("idle");
        ssl.handshakeFuture().addListener(done -> {
            if (done.isSuccess() && ch.isActive()) {
                ch.pipeline().addBefore("frame-decoder", "idle", ConsoleFraming.idle(config.keepaliveInterval(),
                        config.peerTimeout()));
            }
        });
    }
}
