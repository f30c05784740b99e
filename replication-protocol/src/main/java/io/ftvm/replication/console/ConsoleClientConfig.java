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
 * @param connectTimeout bound on one TCP connect, and on the TLS handshake that follows (which also gets no more than
 *                       four peer timeouts, at least 200 ms)
 * @param keepaliveInterval a PING goes out after this much quiet
 * @param peerTimeout a connection silent this long is dropped (and re-established)
 * @param inputBufferBytes most input held unacknowledged; {@link ConsoleClient#send} waits for room
 * @param sendTimeout how long {@link ConsoleClient#send} waits for room
 * @param access read-only (the default) or with the VM's write lease
 * @param credential the console token that proves this client (empty: none; a server refuses such a client unless
 *                   its TLS certificate proves it)
 * @param clientName who this client is, shown as the write lease's holder
 * @param tls        what the hosts' certificates must chain to (and this client's certificate, if any), or null for
 *                   console endpoints without TLS
 */
public record ConsoleClientConfig(String vmId, List<Endpoint> endpoints, long startOffset, boolean acceptOutputGaps,
        Duration backoffInitial, Duration backoffMax, Duration connectTimeout, Duration keepaliveInterval,
        Duration peerTimeout, int inputBufferBytes, Duration sendTimeout, ConsoleAccess access, String credential,
        String clientName, io.ftvm.replication.ClientTls tls) {
    public ConsoleClientConfig {
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(credential, "credential");
        Objects.requireNonNull(clientName, "clientName");
        if (credential.length() > 1024 || clientName.length() > 256) {
            throw new IllegalArgumentException("credential (1024) or clientName (256 characters) too long");
        }
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

    /**
     * Defaults: all output held, gaps fail, 50 ms..2 s backoff, 1 MiB of input, read-only, no credential, named
     * after the user and host of this process.
     */
    public static ConsoleClientConfig of(String vmId, List<Endpoint> endpoints) {
        return new ConsoleClientConfig(vmId, endpoints, ConsoleMessage.FROM_OLDEST, false, Duration.ofMillis(50),
                Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(20),
                1 << 20, Duration.ofSeconds(30), ConsoleAccess.READ, "", defaultName(), null);
    }

    private static String defaultName() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException | RuntimeException e) {
            host = "unknown-host";
        }
        String name = System.getProperty("user.name", "unknown") + "@" + host + " (pid " + ProcessHandle.current().pid()
                + ")";
        return name.length() > 256 ? name.substring(0, 256) : name.replaceAll("\\p{Cntrl}", "?");
    }

    /** Typing: with the write lease ({@link ConsoleAccess#WRITE} or {@link ConsoleAccess#TAKE_OVER}). */
    public ConsoleClientConfig withAccess(ConsoleAccess a) {
        return new ConsoleClientConfig(vmId, endpoints, startOffset, acceptOutputGaps, backoffInitial, backoffMax,
                connectTimeout, keepaliveInterval, peerTimeout, inputBufferBytes, sendTimeout, a, credential,
                clientName, tls);
    }

    /** The console token this client proves itself with. */
    public ConsoleClientConfig withCredential(String token) {
        return new ConsoleClientConfig(vmId, endpoints, startOffset, acceptOutputGaps, backoffInitial, backoffMax,
                connectTimeout, keepaliveInterval, peerTimeout, inputBufferBytes, sendTimeout, access, token,
                clientName, tls);
    }

    /** Who this client is (shown as the write lease's holder). */
    public ConsoleClientConfig withClientName(String name) {
        return new ConsoleClientConfig(vmId, endpoints, startOffset, acceptOutputGaps, backoffInitial, backoffMax,
                connectTimeout, keepaliveInterval, peerTimeout, inputBufferBytes, sendTimeout, access, credential,
                name, tls);
    }

    public ConsoleClientConfig withStartOffset(long offset) {
        return new ConsoleClientConfig(vmId, endpoints, offset, acceptOutputGaps, backoffInitial, backoffMax,
                connectTimeout, keepaliveInterval, peerTimeout, inputBufferBytes, sendTimeout, access, credential,
                clientName, tls);
    }

    public ConsoleClientConfig withAcceptOutputGaps(boolean accept) {
        return new ConsoleClientConfig(vmId, endpoints, startOffset, accept, backoffInitial, backoffMax,
                connectTimeout, keepaliveInterval, peerTimeout, inputBufferBytes, sendTimeout, access, credential,
                clientName, tls);
    }

    public ConsoleClientConfig withBackoff(Duration initial, Duration max) {
        return new ConsoleClientConfig(vmId, endpoints, startOffset, acceptOutputGaps, initial, max,
                connectTimeout, keepaliveInterval, peerTimeout, inputBufferBytes, sendTimeout, access, credential,
                clientName, tls);
    }

    public ConsoleClientConfig withKeepalive(Duration interval, Duration timeout) {
        return new ConsoleClientConfig(vmId, endpoints, startOffset, acceptOutputGaps, backoffInitial, backoffMax,
                connectTimeout, interval, timeout, inputBufferBytes, sendTimeout, access, credential,
                clientName, tls);
    }

    public ConsoleClientConfig withInputBuffer(int bytes, Duration timeout) {
        return new ConsoleClientConfig(vmId, endpoints, startOffset, acceptOutputGaps, backoffInitial, backoffMax,
                connectTimeout, keepaliveInterval, peerTimeout, bytes, timeout, access, credential,
                clientName, tls);
    }

    /** Speaks TLS to the console endpoints, trusting and proving what {@code t} says (null: plain TCP). */
    public ConsoleClientConfig withTls(io.ftvm.replication.ClientTls t) {
        return new ConsoleClientConfig(vmId, endpoints, startOffset, acceptOutputGaps, backoffInitial, backoffMax,
                connectTimeout, keepaliveInterval, peerTimeout, inputBufferBytes, sendTimeout, access, credential,
                clientName, t);
    }
}
