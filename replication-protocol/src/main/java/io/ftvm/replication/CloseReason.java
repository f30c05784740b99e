package io.ftvm.replication;

import io.netty.util.AttributeKey;

/** Why a connection was closed by the protocol guard, as a channel attribute (for logs, metrics and tests). */
public final class CloseReason {
    public static final AttributeKey<String> KEY = AttributeKey.valueOf("ftvm.closeReason");

    private CloseReason() {
    }
}
