package io.ftvm.replication.console;

import io.ftvm.replication.console.ConsoleMessage.Bye;
import io.ftvm.replication.console.ConsoleMessage.Error;
import io.ftvm.replication.console.ConsoleMessage.FromServer;
import io.ftvm.replication.console.ConsoleMessage.InputAck;
import io.ftvm.replication.console.ConsoleMessage.Output;
import io.ftvm.replication.console.ConsoleMessage.Redirect;
import io.ftvm.replication.console.ConsoleMessage.Welcome;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

/**
 * One connection attempt of a {@link ConsoleClient}: sends HELLO, checks the order of what the server sends (WELCOME
 * first, then OUTPUT/INPUT_ACK), and hands each message to the client. How the connection ended (a REDIRECT, an
 * ERROR, a BYE, or just lost) is kept as an {@link Ending} and reported once, when the channel closes.
 */
final class ConsoleClientHandler extends SimpleChannelInboundHandler<FromServer> {
    /**
     * How a connection ended and what to do next.
     *
     * @param detail for people
     * @param hint where to connect next (a REDIRECT or BYE hint), or null for the next endpoint in the list
     * @param sameEndpoint reconnect to the same endpoint, at once (after an accepted output gap)
     * @param fatal stop for good
     * @param silent the endpoint went silent (after its TLS handshake, or during it): it may be a frozen host
     */
    record Ending(String detail, Endpoint hint, boolean sameEndpoint, boolean fatal, boolean silent) {
        Ending(String detail, Endpoint hint, boolean sameEndpoint, boolean fatal) {
            this(detail, hint, sameEndpoint, fatal, false);
        }

        static Ending lost(String detail) {
            return new Ending(detail, null, false, false);
        }

        static Ending silence(String detail) {
            return new Ending(detail, null, false, false, true);
        }
    }

    private final ConsoleClient client;
    private final Endpoint endpoint;
    private boolean welcomed;
    private Ending ending;

    ConsoleClientHandler(ConsoleClient client, Endpoint endpoint) {
        this.client = client;
        this.endpoint = endpoint;
    }

    Endpoint endpoint() {
        return endpoint;
    }

    boolean welcomed() {
        return welcomed;
    }

    /** Records how this connection ends (first reason wins) and closes it. */
    void endWith(ChannelHandlerContext ctx, Ending e) {
        if (ending == null) {
            ending = e;
        }
        ctx.close();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        client.onActive(this, ctx.channel());
        super.channelActive(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FromServer m) throws ConsoleException {
        if (ending != null) {
            return; // ending: nothing more is processed
        }
        if (m instanceof Welcome w) {
            if (welcomed) {
                throw ConsoleCodec.violation("a second WELCOME");
            }
            welcomed = true;
            client.onWelcome(this, ctx.channel(), w);
        } else if (m instanceof Output o) {
            if (!welcomed) {
                throw ConsoleCodec.violation("OUTPUT before WELCOME");
            }
            client.onOutput(o);
        } else if (m instanceof InputAck a) {
            if (!welcomed) {
                throw ConsoleCodec.violation("INPUT_ACK before WELCOME");
            }
            client.onInputAck(a);
        } else if (m instanceof ConsoleMessage.Standby st) {
            if (!welcomed) {
                throw ConsoleCodec.violation("STANDBY before WELCOME");
            }
            client.onStandby(st);
        } else if (m instanceof Redirect r) {
            if (welcomed) {
                throw ConsoleCodec.violation("REDIRECT after WELCOME");
            }
            endWith(ctx, client.onRedirect(endpoint, r));
        } else if (m instanceof Error e) {
            endWith(ctx, client.onError(endpoint, e));
        } else if (m instanceof Bye b) {
            endWith(ctx, client.onBye(endpoint, b));
        } else {
            throw ConsoleCodec.violation("unexpected " + m.getClass().getSimpleName() + " from the server");
        }
    }

    /**
     * A failed TLS handshake: a certificate the CA does not vouch for (or a CA file that does not fit the cluster)
     * will not get better by retrying, so it stops the client; anything else (the connection closed during the
     * handshake, a console endpoint without TLS) counts as a lost connection.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent done && !done.isSuccess() && ending == null) {
            Throwable cause = done.cause();
            if (certificateProblem(cause)) {
                endWith(ctx, new Ending("the console endpoint " + endpoint + " presented a certificate the trusted "
                        + "CA does not vouch for (check the CA file): " + rootMessage(cause), null, false, true));
            } else if (cause instanceof io.netty.handler.ssl.SslHandshakeTimeoutException) {
                endWith(ctx, Ending.silence("TLS handshake with " + endpoint + " timed out: " + rootMessage(cause)));
            } else {
                endWith(ctx, Ending.lost("TLS handshake with " + endpoint + " failed (is its console endpoint "
                        + "without TLS?): " + rootMessage(cause)));
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    private static boolean certificateProblem(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.security.cert.CertificateException
                    || c instanceof java.security.cert.CertPathValidatorException
                    || c instanceof javax.net.ssl.SSLHandshakeException && String.valueOf(c.getMessage())
                            .contains("certificate")) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable()) {
            client.flushInput();
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (ending == null) {
            String why = ctx.channel().attr(ConsoleFraming.CLOSE_REASON).get();
            String detail = why == null ? "connection to " + endpoint + " lost" : why;
            ending = Boolean.TRUE.equals(ctx.channel().attr(ConsoleFraming.WENT_SILENT).get())
                    ? Ending.silence(detail) : Ending.lost(detail);
        }
        client.connectionEnded(this, ending);
        super.channelInactive(ctx);
    }
}
