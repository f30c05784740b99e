package io.ftvm.replication.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The pure parts: backoff, endpoint parsing, the escape sequence. */
class PureLogicTest {
    @Test
    void aTlsHandshakeGetsFourPeerTimeoutsWithinBounds() {
        ConsoleClientConfig c = ConsoleClientConfig.of("vm", java.util.List.of(new Endpoint("h", 1)));
        assertThat(ConsoleDialer.handshakeTimeoutMillis(c)).as("the defaults: the connect timeout")
                .isEqualTo(c.connectTimeout().toMillis());
        assertThat(ConsoleDialer.handshakeTimeoutMillis(c.withKeepalive(Duration.ofMillis(10), Duration.ofMillis(60))))
                .isEqualTo(240);
        assertThat(ConsoleDialer.handshakeTimeoutMillis(c.withKeepalive(Duration.ofMillis(5), Duration.ofMillis(20))))
                .isEqualTo(200);
    }

    @Test
    void backoffIsImmediateThenDoublesToItsBound() {
        Backoff b = new Backoff(Duration.ofMillis(50), Duration.ofMillis(300));
        assertThat(b.next()).isZero();
        assertThat(b.next()).isEqualTo(Duration.ofMillis(50));
        assertThat(b.next()).isEqualTo(Duration.ofMillis(100));
        assertThat(b.next()).isEqualTo(Duration.ofMillis(200));
        assertThat(b.next()).isEqualTo(Duration.ofMillis(300));
        for (int i = 0; i < 100; i++) {
            assertThat(b.next()).isEqualTo(Duration.ofMillis(300));
        }
        b.reset();
        assertThat(b.next()).isZero();
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void endpointsParse() {
        assertThat(Endpoint.parse("host-1:7000")).isEqualTo(new Endpoint("host-1", 7000));
        assertThat(Endpoint.parse("[::1]:80")).isEqualTo(new Endpoint("::1", 80));
        assertThat(new Endpoint("::1", 80)).hasToString("[::1]:80");
        assertThat(Endpoint.parseList("a:1, b:2")).containsExactly(new Endpoint("a", 1), new Endpoint("b", 2));
        assertThatThrownBy(() -> Endpoint.parse("nohost")).hasMessageContaining("not host:port");
        assertThatThrownBy(() -> Endpoint.parse("h:0")).hasMessageContaining("outside 1..65535");
        assertThatThrownBy(() -> Endpoint.parse("h:x")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> Endpoint.parse("::1:80")).hasMessageContaining("[addr]:port");
        assertThatThrownBy(() -> Endpoint.parseList("a:1,")).hasMessageContaining("not host:port");
    }

    private static String feed(EscapeDetector d, String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        EscapeDetector.Result r = d.feed(b, 0, b.length);
        return new String(r.toSend(), StandardCharsets.ISO_8859_1) + (r.quit() ? "<quit>" : "");
    }

    @Test
    void escapeThenQQuitsAndOtherwiseBytesPassThrough() {
        EscapeDetector d = new EscapeDetector();
        assertThat(feed(d, "ls\r")).isEqualTo("ls\r");
        assertThat(feed(d, "a\u001dqb")).isEqualTo("a<quit>");
        d = new EscapeDetector();
        assertThat(feed(d, "\u001d\u001d")).isEqualTo("\u001d");
        assertThat(feed(d, "\u001dx")).isEqualTo("\u001dx");
        assertThat(feed(d, "x\u001d")).isEqualTo("x");
        assertThat(feed(d, "q")).isEqualTo("<quit>");
    }
}
