package io.ftvm.node.console;

import io.ftvm.replication.console.ConsoleAccess;
import io.ftvm.replication.console.ConsoleCodec;
import io.ftvm.replication.console.ConsoleException;
import io.ftvm.replication.console.ConsoleMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

/** A blocking client speaking raw frames, for protocol-level tests; every read is bounded by a socket timeout. */
final class RawClient implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    RawClient(InetSocketAddress server) throws IOException {
        this(server, 0);
    }

    /** {@code receiveBuffer} > 0 limits the socket's receive buffer (a slow reader that holds little). */
    RawClient(InetSocketAddress server, int receiveBuffer) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(server, 5000);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    void send(ConsoleMessage m) throws IOException {
        ByteBuf buf = Unpooled.buffer();
        ConsoleCodec.encode(m, buf);
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        out.write(bytes);
        out.flush();
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** An authenticated writer's HELLO. */
    void hello(long outputFrom, long inputFrom) throws IOException {
        hello(outputFrom, inputFrom, ConsoleAccess.WRITE, TestSupport.TOKEN, "raw-writer");
    }

    void hello(long outputFrom, long inputFrom, ConsoleAccess access, String credential, String name)
            throws IOException {
        send(new ConsoleMessage.Hello(ConsoleCodec.VERSION, TestSupport.VM, outputFrom, inputFrom, access, credential,
                name));
    }

    /** The next message from the server (PINGs answered and skipped), or an exception on EOF/timeout. */
    ConsoleMessage.FromServer read() throws IOException, ConsoleException {
        while (true) {
            int length = in.readInt();
            byte[] body = new byte[length];
            in.readFully(body);
            ConsoleMessage.FromServer m = ConsoleCodec.decodeFromServer(Unpooled.wrappedBuffer(body));
            if (m instanceof ConsoleMessage.Ping p) {
                send(new ConsoleMessage.Pong(p.nonce()));
                continue;
            }
            return m;
        }
    }

    @SuppressWarnings("unchecked")
    <T extends ConsoleMessage.FromServer> T read(Class<T> type) throws IOException, ConsoleException {
        ConsoleMessage.FromServer m = read();
        if (!type.isInstance(m)) {
            throw new AssertionError("expected " + type.getSimpleName() + " but got " + m);
        }
        return (T) m;
    }

    /** Bytes the server sent that were not read yet. */
    int available() throws IOException {
        return in.available();
    }

    /** True when the server closed the connection (EOF) within the socket timeout. */
    boolean closedByServer() throws IOException {
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (EOFException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
