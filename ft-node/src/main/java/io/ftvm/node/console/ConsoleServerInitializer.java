package io.ftvm.node.console;

import io.ftvm.replication.TlsOrPlaintext;
import io.ftvm.replication.console.ConsoleFraming;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;

/**
 * The pipeline of one accepted console connection: TLS when the server requires it ({@link TlsOrPlaintext}: a
 * client speaking plain text is told TLS is required), {@link ConsoleFraming}, and a {@link ConsoleServerHandler}.
 */
public final class ConsoleServerInitializer extends ChannelInitializer<SocketChannel> {
    private final ConsoleServer server;

    ConsoleServerInitializer(ConsoleServer server) {
        this.server = server;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ConsoleServerConfig config = server.config();
        ConsoleFraming.install(ch.pipeline(), ConsoleFraming.Side.SERVER, config.keepaliveInterval(),
                config.peerTimeout(), server.stats());
        ch.pipeline().addBefore("guard", "console-handler", new ConsoleServerHandler(server));
        if (config.sslContext() != null) { // the guard's peer timeout bounds the handshake
            ch.pipeline().addFirst("tls-or-plaintext", new TlsOrPlaintext(config.sslContext()));
        }
    }
}
