package io.ftvm.node.console;

import io.ftvm.replication.console.ConsoleFraming;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;

/** The pipeline of one accepted console connection: {@link ConsoleFraming} plus a {@link ConsoleServerHandler}. */
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
    }
}
