package io.ftvm.chaos.nemesis;

import io.ftvm.chaos.cluster.ChaosCluster;
import io.ftvm.chaos.cluster.Firewall;
import io.ftvm.chaos.cluster.FtdHost;
import io.ftvm.chaos.history.HistoryEvent;
import io.ftvm.chaos.history.HistoryWriter;
import io.ftvm.coordinator.VersionedState;
import java.util.Locale;

/**
 * Network faults through the {@link Firewall} of a namespace network: a VM's pair cut from each other, a host cut
 * from ZooKeeper, a primary isolated from everything but its clients, and packet loss. Each lasts a few seconds and is
 * healed before returning (also when the harness is interrupted); after a fault that cut a host from ZooKeeper the
 * nemesis waits (bounded) until the host is registered again.
 */
final class NetworkNemesis {
    private final NemesisContext ctx;
    private final HistoryWriter history;
    private final Firewall firewall;

    NetworkNemesis(NemesisContext ctx, Firewall firewall) {
        this.ctx = ctx;
        this.history = ctx.history();
        this.firewall = firewall;
    }

    /** Cuts the VM's primary and backup from each other for 1.5-5 s: one of them wins the CAS, the other is fenced. */
    void partitionPair(String vm, VersionedState s) throws InterruptedException {
        FtdHost p = host(s.state().primary());
        FtdHost b = host(s.state().backup());
        firewall.cut(p.number(), b.number());
        history.append(HistoryEvent.fault(history.now(), FaultKind.PARTITION_PAIR.name(), p.id() + "|" + b.id(),
                "primary and backup of " + vm + " (epoch " + s.state().epoch() + ") cut from each other"));
        try {
            Thread.sleep(ctx.millis(1500, 5000));
        } finally {
            heal(FaultKind.PARTITION_PAIR, p, b);
        }
    }

    /** Cuts the VM's primary or backup from ZooKeeper for 1-7 s (the session timeout is 3 s in the defaults). */
    void partitionZooKeeper(String vm, VersionedState s) throws InterruptedException {
        boolean primary = ctx.random().nextBoolean();
        FtdHost h = host(primary ? s.state().primary() : s.state().backup());
        long ms = ctx.millis(1000, 7000);
        firewall.cutFromZooKeeper(h.number());
        history.append(HistoryEvent.fault(history.now(), FaultKind.PARTITION_ZOOKEEPER.name(), h.id(),
                (primary ? "primary" : "backup") + " of " + vm + " cut from ZooKeeper for " + ms + " ms"));
        try {
            Thread.sleep(ms);
        } finally {
            heal(FaultKind.PARTITION_ZOOKEEPER, h);
        }
        awaitRegistered(h);
    }

    /**
     * Cuts the VM's primary from every other host and from ZooKeeper for 2-6 s; its clients still reach it. The
     * backup takes over; the old primary must release nothing the new one does not also produce, and learns it was
     * replaced when it reaches ZooKeeper again.
     */
    void isolatePrimary(String vm, VersionedState s) throws InterruptedException {
        FtdHost p = host(s.state().primary());
        try {
            for (FtdHost other : ctx.cluster().hosts()) {
                if (other != p) {
                    firewall.cut(p.number(), other.number());
                }
            }
            firewall.cutFromZooKeeper(p.number());
            history.append(HistoryEvent.fault(history.now(), FaultKind.ISOLATE_PRIMARY.name(), p.id(),
                    "primary of " + vm + " (epoch " + s.state().epoch() + ") cut from every host and ZooKeeper"));
            Thread.sleep(ctx.millis(2000, 6000));
        } finally {
            healEverywhere(FaultKind.ISOLATE_PRIMARY, p);
        }
        awaitRegistered(p);
    }

    /** Drops 5-30 % of the packets into and out of the VM's primary or backup for 3-8 s. */
    void packetLoss(String vm, VersionedState s) throws InterruptedException {
        boolean primary = ctx.random().nextBoolean();
        FtdHost h = host(primary ? s.state().primary() : s.state().backup());
        double p = ctx.millis(5, 30) / 100.0;
        firewall.dropRandomly(h.number(), p);
        history.append(HistoryEvent.fault(history.now(), FaultKind.PACKET_LOSS.name(), h.id(),
                String.format(Locale.ROOT, "%s of %s drops %.0f %% of its packets", primary ? "primary" : "backup",
                        vm, p * 100)));
        try {
            Thread.sleep(ctx.millis(3000, 8000));
        } finally {
            heal(FaultKind.PACKET_LOSS, h);
        }
        awaitRegistered(h);
    }

    private void heal(FaultKind kind, FtdHost... hosts) {
        StringBuilder target = new StringBuilder();
        for (FtdHost h : hosts) {
            firewall.heal(h.number());
            target.append(target.length() == 0 ? "" : "|").append(h.id());
        }
        history.append(HistoryEvent.heal(history.now(), kind.name(), target.toString(), "network healed"));
    }

    /** Heals {@code h} and every host (a cut leaves rules on both sides). */
    private void healEverywhere(FaultKind kind, FtdHost h) {
        firewall.healAll();
        history.append(HistoryEvent.heal(history.now(), kind.name(), h.id(), "network healed"));
    }

    /** Waits (up to 30 s) until ZooKeeper lists the host again (a new session, if the old one expired). */
    private void awaitRegistered(FtdHost h) throws InterruptedException {
        ChaosCluster c = ctx.cluster();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (h.alive() && !c.registered(h.id()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    private FtdHost host(String id) {
        return ctx.cluster().host(id);
    }
}
