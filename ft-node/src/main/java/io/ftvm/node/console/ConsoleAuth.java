package io.ftvm.node.console;

import io.ftvm.replication.PeerCertificates;
import io.ftvm.replication.TlsOrPlaintext;
import io.netty.channel.Channel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may attach to a host's consoles: a client whose TLS certificate the cluster CA signed (when the console
 * endpoint runs TLS), or one that presents the console token (over TLS when the endpoint runs it: a client that
 * speaks plain text to a TLS endpoint is refused whatever it presents) (the operators' token, compared in constant time).
 * Anyone else is refused before the server looks at the VM it asks for, counted, and logged at most once every few
 * seconds (with the number of refusals not logged).
 */
public final class ConsoleAuth {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleAuth.class);
    private static final long LOG_INTERVAL_NANOS = 5_000_000_000L;

    private final byte[] token;
    private final LongAdder refused = new LongAdder();
    private final AtomicLong lastLog = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);
    private final AtomicLong unlogged = new AtomicLong();

    /**
     * Admits clients that present {@code token} (null: no token is accepted, only certificates).
     *
     * @throws IllegalArgumentException when the token is shorter than 16 characters
     */
    public ConsoleAuth(String token) {
        if (token != null && token.length() < 16) {
            throw new IllegalArgumentException("the console token must have at least 16 characters");
        }
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    /** Null when {@code ch}'s peer proved itself (certificate or {@code credential}), else why not. */
    String refusal(Channel ch, String credential) {
        if (TlsOrPlaintext.isPlaintext(ch)) {
            return "this console endpoint requires TLS (ftctl: --ca-file or FTCTL_CA_FILE with the cluster CA "
                    + "certificate)";
        }
        Set<String> certified = PeerCertificates.names(ch);
        if (certified != null && !certified.isEmpty()) {
            return null; // the TLS handshake verified a certificate of the cluster CA
        }
        if (credential.isEmpty()) {
            return "no credential (a console token or a cluster certificate is needed)";
        }
        if (token == null || !MessageDigest.isEqual(token, credential.getBytes(StandardCharsets.UTF_8))) {
            return "the console token was refused";
        }
        return null;
    }

    /** Counts a refusal and logs it unless one was logged in the last few seconds. */
    void refused(Channel ch, String why) {
        refused.increment();
        long now = System.nanoTime();
        long last = lastLog.get();
        if (now - last >= LOG_INTERVAL_NANOS && lastLog.compareAndSet(last, now)) {
            long more = unlogged.getAndSet(0);
            LOG.warn("console: refused unauthenticated client {}: {}{}", ch.remoteAddress(), why,
                    more == 0 ? "" : " (and " + more + " more refusals since the last report)");
        } else {
            unlogged.incrementAndGet();
        }
    }

    /** Clients refused for not proving themselves. */
    public long refusals() {
        return refused.sum();
    }
}
