package io.ftvm.replication.console;

import java.util.Objects;

/**
 * The messages of the console protocol as immutable values. The wire format is in {@link ConsoleCodec} only. The
 * byte payloads of {@link Output} and {@link Input} belong to the message: a sender must not change an array after
 * handing it over, a receiver may keep it.
 */
public sealed interface ConsoleMessage {
    /** A message a client sends. */
    sealed interface FromClient extends ConsoleMessage permits Hello, Input, Ping, Pong, Bye {
    }

    /** A message a server sends. */
    sealed interface FromServer extends ConsoleMessage
            permits Welcome, Redirect, Error, Output, InputAck, Ping, Pong, Bye, Standby {
    }

    /** HELLO's {@code outputFrom}: everything the server still holds. */
    long FROM_OLDEST = -1;
    /** HELLO's {@code outputFrom}: only output released after the connection. */
    long FROM_END = -2;
    /** HELLO's {@code inputFrom}: the client holds no unacknowledged input. */
    long NO_INPUT = -1;

    /**
     * First frame of a connection.
     *
     * @param version the client's protocol version
     * @param vmId which VM's console
     * @param outputFrom the next output offset the client needs, or {@link #FROM_OLDEST} / {@link #FROM_END}
     * @param inputFrom the offset of the oldest unacknowledged input byte the client will send, or {@link #NO_INPUT}
     * @param access read-only, or with the write lease
     * @param credential the console token (empty when the client's TLS certificate proves it)
     * @param clientName who the client is, shown to others as the lease holder (free text, may be empty)
     */
    record Hello(int version, String vmId, long outputFrom, long inputFrom, ConsoleAccess access, String credential,
            String clientName) implements FromClient {
        public Hello {
            Objects.requireNonNull(vmId, "vmId");
            Objects.requireNonNull(access, "access");
            Objects.requireNonNull(credential, "credential");
            Objects.requireNonNull(clientName, "clientName");
        }

        @Override
        public String toString() {
            return "Hello[v" + version + ", vm=" + vmId + ", outputFrom=" + outputFrom + ", inputFrom=" + inputFrom
                    + ", " + access + ", " + clientName + (credential.isEmpty() ? "" : ", credential hidden") + "]";
        }
    }

    /**
     * The server serves the VM: output streams from {@code outputFrom}; the client's first INPUT must start at
     * {@code inputNext} (bytes below it are acknowledged or already accepted).
     */
    record Welcome(int version, long historyStart, long outputEnd, long outputFrom, long inputAcked, long inputNext)
            implements FromServer {
    }

    /** The server does not serve the VM; {@code hint} is the primary's endpoint ({@code host:port}) or empty. */
    record Redirect(String hint, String reason) implements FromServer {
        public Redirect {
            Objects.requireNonNull(hint, "hint");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * After WELCOME (protocol version 3 on): should the VM move, it goes to {@code hint} ({@code host:port}, the
     * console of its in-sync backup's host); empty when it has none. The client may hold a connection there ready
     * (TLS done, no HELLO yet) so that a switchover or failover costs it no new handshake.
     */
    record Standby(String hint) implements FromServer {
        public Standby {
            Objects.requireNonNull(hint, "hint");
        }
    }

    /** A refusal; the server closes after it. {@code code} is a {@link ConsoleError} wire value. */
    record Error(int code, long offset, String message) implements FromServer {
        public Error {
            Objects.requireNonNull(message, "message");
        }

        public Error(ConsoleError error, long offset, String message) {
            this(error.wire(), offset, message);
        }

        /** The code, or null when this end does not know it. */
        public ConsoleError error() {
            return ConsoleError.fromWire(code);
        }
    }

    /** Released output bytes starting at stream offset {@code offset}. */
    record Output(long offset, byte[] bytes) implements FromServer {
        public Output {
            Objects.requireNonNull(bytes, "bytes");
        }

        public long end() {
            return offset + bytes.length;
        }
    }

    /** Input bytes starting at input stream offset {@code offset}. */
    record Input(long offset, byte[] bytes) implements FromClient {
        public Input {
            Objects.requireNonNull(bytes, "bytes");
        }

        public long end() {
            return offset + bytes.length;
        }
    }

    /** Input below {@code acked} is durable. */
    record InputAck(long acked) implements FromServer {
    }

    /** Keepalive; answered by a {@link Pong} with the same nonce. */
    record Ping(long nonce) implements FromClient, FromServer {
    }

    record Pong(long nonce) implements FromClient, FromServer {
    }

    /** Orderly close; {@code hint} (possibly empty) says where to reconnect. */
    record Bye(String hint, String reason) implements FromClient, FromServer {
        public Bye {
            Objects.requireNonNull(hint, "hint");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
