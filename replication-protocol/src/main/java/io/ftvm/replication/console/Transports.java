package io.ftvm.replication.console;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * Native epoll where available (Linux), NIO elsewhere or with {@code -Dftvm.console.nio=true}. Public for ft-node's
 * console server, which uses the same transports as the client.
 */
public final class Transports {
    private Transports() {
    }

    public static boolean epoll() {
        return !Boolean.getBoolean("ftvm.console.nio") && Epoll.isAvailable();
    }

    public static EventLoopGroup group(int threads) {
        return new MultiThreadIoEventLoopGroup(threads,
                epoll() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    public static Class<? extends ServerChannel> serverChannel() {
        return epoll() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public static Class<? extends SocketChannel> socketChannel() {
        return epoll() ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
