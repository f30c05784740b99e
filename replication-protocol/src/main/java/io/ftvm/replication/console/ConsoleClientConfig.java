package io.ftvm.replication.console;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link ConsoleClient} connects.
 *
 * @param vmId the VM whose console to attach
 * @param endpoints console endpoints to try in turn (the VM's possible primaries); at least one
 * @param startOffset the first output offset wanted: an offset, {@link ConsoleMessage#FROM_OLDEST} or
 *                    {@link ConsoleMessage#FROM_END}
 * @param acceptOutputGaps when the next output offset needed is no longer held: true resumes at the oldest held
 *                         offset (reporting the gap as {@link ConnectionEvent.Kind#OUTPUT_GAP}); false (the default)
 *                         reports it and fails
 * @param backoffInitial first non-immediate reconnect delay
 * @param backoffMax longest reconnect delay
 * @param connectTimeout bound on one TCP connect
 * @param keepaliveInterval a PING goes out after this much quiet
 * @param peerTimeout a connection silent this long is dropped (and re-established)
 * @param inputBufferBytes most input held unacknowledged; {@link ConsoleClient#send} waits for room
 * @param sendTimeout how long {@link ConsoleClient#send} waits for room
 */
public record ConsoleClientConfig(String vmId, List<Endpoint> endpoints, long startOffset, boolean acceptOutputGaps,
        Duration backoffInitial, Duration backoffMax, Duration connectTimeout, Duration keepaliveInterval,
        Duration peerTimeout, int inputBufferBytes, Duration sendTimeout) {
    public ConsoleClientConfig {
        Objects.requireNonNull(vmId, "vmId");
        endpoints = List.copyOf(endpoints);
        if (vmId.isEmpty()) {
            throw new IllegalArgumentException("vmId is empty");
        }
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("endpoints: at least one host:port is needed");
        }
        if (startOffset < ConsoleMessage.FROM_END) {
            throw new IllegalArgumentException("startOffset " + startOffset + " is negative");
        }
        if (keepaliveInterval.isNegative() || keepaliveInterval.isZero()
                || peerTimeout.compareTo(keepaliveInterval) <= 0) {
            throw new IllegalArgumentException("keepaliveInterval " + keepaliveInterval
                    + " must be positive and shorter than peerTimeout " + peerTimeout);
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout " + connectTimeout + " must be positive");
        }
        if (inputBufferBytes < ConsoleCodec.MAX_PAYLOAD) {
            throw new IllegalArgumentException("inputBufferBytes " + inputBufferBytes + " below "
                    + ConsoleCodec.MAX_PAYLOAD);
        }
        new Backoff(backoffInitial, backoffMax); // validates
    }

    /** Defaults: all output held, gaps fail, 50 ms..2 s backoff, 1 MiB of input. */
    public static ConsoleClientConfig of(String vmId, List<Endpoint> endpoints) {
        return new ConsoleClientConfig(vmId, endpoints, ConsoleMessage.FROM_OLDEST, false, Duration.ofMillis(50),
                Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(20),
                1 << 20, Duration.ofSeconds(30));
    }

    public ConsoleClientConfig withStartOffset(long offset) {
        return new ConsoleClientConfig(vmId, endpoints, offset, acceptOutputGaps, backoffInitial, backoffMax,
                connectTimeout, keepaliveInterval, peerTimeout, inputBufferBytes, sendTimeout);
    }

    public ConsoleClientConfig withAcceptOutputGaps(boolean accept) {
        return new ConsoleClientConfig(vmId, endpoints, startOffset, accept, backoffInitial, backoffMax,
                connectTimeout, keepaliveInterval, peerTimeout, inputBufferBytes, sendTimeout);
    }

    public ConsoleClientConfig withBackoff(Duration initial, Duration max) {
        return new ConsoleClientConfig(vmId, endpoints, startOffset, acceptOutputGaps, initial, max,
                connectTimeout, keepaliveInterval, peerTimeout, inputBufferBytes, sendTimeout);
    }

    public ConsoleClientConfig withKeepalive(Duration interval, Duration timeout) {
        return new ConsoleClientConfig(vmId, endpoints, startOffset, acceptOutputGaps, backoffInitial, backoffMax,
                connectTimeout, interval, timeout, inputBufferBytes, sendTimeout);
    }

    public ConsoleClientConfig withInputBuffer(int bytes, Duration timeout) {
        return new ConsoleClientConfig(vmId, endpoints, startOffset, acceptOutputGaps, backoffInitial, backoffMax,
                connectTimeout, keepaliveInterval, peerTimeout, bytes, timeout);
    }
}
