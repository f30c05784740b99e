package io.ftvm.node.console;

import io.ftvm.replication.console.ConsoleCodec;
import java.time.Duration;

/**
 * How a console server runs.
 *
 * @param ioThreads event-loop threads serving connections
 * @param keepaliveInterval a PING goes out after this much quiet on a connection
 * @param peerTimeout a connection silent this long (no frame at all) is closed
 * @param outputChunkBytes the largest OUTPUT payload sent (at most {@link ConsoleCodec#MAX_PAYLOAD})
 * @param writeBufferLowBytes a connection becomes writable again when its queued output falls below this
 * @param writeBufferHighBytes output stops being read from the backend for a connection once this much is queued
 * @param inputRetry how soon input the backend refused for lack of space is offered again (besides on each change)
 * @param helloHold the longest a HELLO waits while this host takes the VM over ({@link ServingState.Arriving})
 * @param standbyHold the longest a HELLO waits at the VM's in-sync backup for it to start taking over
 *                    ({@link ServingState.NotServing#standbyHere}) before the client is sent to the primary
 * @param sslContext the TLS context clients must speak ({@link io.ftvm.replication.TlsConfig#endpointServerContext}),
 *                   or null for plain TCP
 */
public record ConsoleServerConfig(int ioThreads, Duration keepaliveInterval, Duration peerTimeout,
        int outputChunkBytes, int writeBufferLowBytes, int writeBufferHighBytes, Duration inputRetry,
        Duration helloHold, Duration standbyHold, io.netty.handler.ssl.SslContext sslContext) {
    public ConsoleServerConfig {
        if (ioThreads < 1) {
            throw new IllegalArgumentException("ioThreads " + ioThreads + " must be at least 1");
        }
        if (keepaliveInterval.isNegative() || keepaliveInterval.isZero()
                || peerTimeout.compareTo(keepaliveInterval) <= 0) {
            throw new IllegalArgumentException("keepaliveInterval " + keepaliveInterval
                    + " must be positive and shorter than peerTimeout " + peerTimeout);
        }
        if (outputChunkBytes < 1 || outputChunkBytes > ConsoleCodec.MAX_PAYLOAD) {
            throw new IllegalArgumentException("outputChunkBytes " + outputChunkBytes + " outside 1.."
                    + ConsoleCodec.MAX_PAYLOAD);
        }
        if (writeBufferLowBytes < 1 || writeBufferHighBytes < writeBufferLowBytes) {
            throw new IllegalArgumentException("write buffer water marks " + writeBufferLowBytes + "/"
                    + writeBufferHighBytes + " must be positive and low <= high");
        }
        if (inputRetry.isNegative() || inputRetry.isZero()) {
            throw new IllegalArgumentException("inputRetry " + inputRetry + " must be positive");
        }
        if (helloHold.isNegative() || helloHold.isZero() || standbyHold.isNegative()
                || standbyHold.compareTo(helloHold) > 0) {
            throw new IllegalArgumentException("helloHold " + helloHold + " must be positive and standbyHold "
                    + standbyHold + " in 0..helloHold");
        }
        if (sslContext != null && !sslContext.isServer()) {
            throw new IllegalArgumentException("sslContext must be a server context");
        }
    }

    public static ConsoleServerConfig defaults() {
        return new ConsoleServerConfig(2, Duration.ofSeconds(5), Duration.ofSeconds(20), 16 * 1024, 64 * 1024,
                256 * 1024, Duration.ofMillis(20), Duration.ofSeconds(3), Duration.ofMillis(500), null);
    }

    public ConsoleServerConfig withKeepalive(Duration interval, Duration timeout) {
        return new ConsoleServerConfig(ioThreads, interval, timeout, outputChunkBytes, writeBufferLowBytes,
                writeBufferHighBytes, inputRetry, helloHold, standbyHold, sslContext);
    }

    public ConsoleServerConfig withWriteBuffer(int lowBytes, int highBytes) {
        return new ConsoleServerConfig(ioThreads, keepaliveInterval, peerTimeout, outputChunkBytes, lowBytes,
                highBytes, inputRetry, helloHold, standbyHold, sslContext);
    }

    public ConsoleServerConfig withHolds(Duration hello, Duration standby) {
        return new ConsoleServerConfig(ioThreads, keepaliveInterval, peerTimeout, outputChunkBytes,
                writeBufferLowBytes, writeBufferHighBytes, inputRetry, hello, standby, sslContext);
    }

    /** This config requiring TLS with {@code context} (null: plain TCP). */
    public ConsoleServerConfig withTls(io.netty.handler.ssl.SslContext context) {
        return new ConsoleServerConfig(ioThreads, keepaliveInterval, peerTimeout, outputChunkBytes,
                writeBufferLowBytes, writeBufferHighBytes, inputRetry, helloHold, standbyHold, context);
    }
}
