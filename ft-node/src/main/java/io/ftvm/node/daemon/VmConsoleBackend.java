package io.ftvm.node.daemon;

import io.ftvm.node.console.ConsoleBackend;
import io.ftvm.replication.console.ConsoleError;
import io.ftvm.replication.console.ConsoleException;
import io.ftvm.node.console.ServingState;
import io.ftvm.primary.OutputHistory;
import io.ftvm.primary.PrimaryRole;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One VM's console on this host: served from the local primary role while this host is the VM's primary (its
 * released output history and its input), otherwise a redirect to where the primary's console is.
 */
final class VmConsoleBackend implements ConsoleBackend {
    private final CopyOnWriteArrayList<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final Runnable fire = this::fire;
    private volatile PrimaryRole primary;
    private volatile OutputHistory history;
    private volatile String hint = "";
    private volatile String reason = "this host does not run the VM";
    /** Set when no host will serve the VM again (see {@link #lost}); null otherwise. */
    private volatile String lost;
    /** Whether this host holds the VM's in-sync backup (see {@link ServingState.NotServing#standbyHere}). */
    private volatile java.util.function.BooleanSupplier standbyHere = () -> false;
    /** The in-sync backup's console while this host serves the VM protected, else empty. */
    private volatile String standby = "";
    /** Set while this host's backup takes the VM over (see {@link #arriving}); null otherwise. */
    private volatile String arriving;
    /** The role that handed the VM over ({@link #handingOver}), served again if the hand-over is abandoned. */
    private volatile PrimaryRole handedOver;

    /** Serves from {@code role} (this host became the VM's primary). */
    void serve(PrimaryRole role, OutputHistory out) {
        OutputHistory old = history;
        if (old != null) {
            old.removeListener(fire);
        }
        history = out;
        primary = role;
        arriving = null;
        handedOver = null;
        out.addListener(fire);
        role.addInputAckListener(fire);
        // a role that ends on its own (fenced by ZooKeeper's verdict, its guest stopped) ends its clients' streams
        // at once: they must not wait, connected and unanswered, for the next reconcile pass
        role.addListener((from, to, why) -> {
            if (to == PrimaryRole.State.FENCED || to == PrimaryRole.State.STOPPED) {
                fire();
            }
        });
        fire();
    }

    /**
     * Switches {@code p} over ({@link PrimaryRole#switchOver}); its console clients are sent to the backup's host
     * ({@code consoleOf}: a host's console endpoint) the moment the backup is told to take over (that host holds them
     * until it serves), and served here again if the switchover is abandoned.
     */
    java.util.concurrent.CompletableFuture<io.ftvm.primary.Switchover.Result> switchOver(PrimaryRole p,
            java.time.Duration timeout, java.util.function.Function<String, String> consoleOf) {
        java.util.concurrent.CompletableFuture<io.ftvm.primary.Switchover.Result> f = p.switchOver(timeout,
                b -> handingOver(consoleOf.apply(b), "the VM is being handed over to " + b));
        f.whenComplete((r, e) -> {
            if (e != null) {
                handOverAbandoned();
            }
        });
        return f;
    }

    /** This host's backup changed state: clients that connect while it takes over wait for it. */
    void backupTransition(io.ftvm.backup.BackupRole.State from, io.ftvm.backup.BackupRole.State to, String why) {
        if (to == io.ftvm.backup.BackupRole.State.TAKING_OVER) {
            arriving(why);
        } else if (from == io.ftvm.backup.BackupRole.State.TAKING_OVER
                && to != io.ftvm.backup.BackupRole.State.LIVE) {
            arrivalEnded();
        }
    }

    /**
     * This host's backup takes the VM over ({@code why}): clients that connect now wait for it to serve (see
     * {@link ServingState.Arriving}) until {@link #serve} or {@link #arrivalEnded}.
     */
    void arriving(String why) {
        arriving = why;
        fire();
    }

    /** The takeover here ended without this host serving: waiting clients are sent on. */
    void arrivalEnded() {
        if (arriving != null) {
            arriving = null;
            fire();
        }
    }

    /**
     * This host's primary handed the VM over to the backup whose console is {@code backupConsole}: clients go there
     * at once (it holds them until it serves), while the record still names this host. {@link #handOverAbandoned}
     * serves them here again.
     */
    void handingOver(String backupConsole, String why) {
        PrimaryRole p = primary;
        if (p == null) {
            return;
        }
        handedOver = p;
        primary = null;
        hint = backupConsole == null ? "" : backupConsole;
        reason = why;
        fire();
    }

    /** The hand-over was abandoned and the VM runs on here: serve it again (unless the role moved on meanwhile). */
    void handOverAbandoned() {
        PrimaryRole p = handedOver;
        handedOver = null;
        if (p != null && primary == null && lost == null && p.state() != PrimaryRole.State.FENCED) {
            primary = p;
            fire();
        }
    }

    /** Not served here; the primary's console is at {@code primaryConsole} (may be empty). */
    void redirect(String primaryConsole, String why) {
        PrimaryRole p = primary;
        primary = null;
        handedOver = null;
        lost = null;
        hint = primaryConsole == null ? "" : primaryConsole;
        reason = why;
        if (p != null) {
            fire();
        }
    }

    /**
     * Where the primary's console is, for clients of a host that does not serve the VM: only the hint changes. A
     * role this host serves is left alone: a backup that went live here serves from that moment (via its live
     * listener), before the reconcile pass that adopts it, and a pass that began before must not undo that.
     */
    void hintPrimary(String primaryConsole, String why) {
        if (live() != null) {
            return;
        }
        PrimaryRole ended = primary; // a fenced role: its clients are sent on with this hint
        primary = null;
        lost = null;
        hint = primaryConsole == null ? "" : primaryConsole;
        reason = why;
        if (ended != null) {
            fire();
        }
    }

    /** No host serves the VM any more ({@code why}: its primary's host is gone, no backup could take over). */
    void lost(String why) {
        PrimaryRole p = primary;
        primary = null;
        handedOver = null;
        arriving = null;
        hint = "";
        reason = why;
        boolean changed = lost == null;
        lost = why;
        if (p != null || changed) {
            fire();
        }
    }

    void standbyHere(java.util.function.BooleanSupplier here) {
        standbyHere = here;
    }

    /** Where the VM would go should it move: its in-sync backup's console ({@code host:port}), or empty. */
    void standby(String backupConsole) {
        String s = backupConsole == null ? "" : backupConsole;
        if (!s.equals(standby)) {
            standby = s;
            fire();
        }
    }

    @Override
    public String standby() {
        return standby;
    }

    String hint() {
        return hint;
    }

    private void fire() {
        for (Runnable r : listeners) {
            r.run();
        }
    }

    private PrimaryRole live() {
        PrimaryRole p = primary;
        if (p == null) {
            return null;
        }
        // A VM whose guest stopped here still serves its final output (input is refused by the role).
        return p.state() == PrimaryRole.State.FENCED ? null : p;
    }

    @Override
    public long historyStart() {
        OutputHistory h = history;
        return h == null ? 0 : h.start();
    }

    @Override
    public long outputEnd() {
        OutputHistory h = history;
        return h == null ? 0 : h.end();
    }

    @Override
    public int readOutput(long from, byte[] buf, int off, int len) {
        OutputHistory h = history;
        return h == null ? 0 : h.read(from, buf, off, len);
    }

    @Override
    public long offerInput(long offset, byte[] bytes) throws ConsoleException {
        PrimaryRole p = live();
        if (p == null) {
            throw new ConsoleException(ConsoleError.UNKNOWN_VM, "the VM is not served here: " + reason);
        }
        try {
            return p.offerInput(offset, bytes);
        } catch (IllegalArgumentException e) {
            throw new ConsoleException(ConsoleError.INPUT_GAP, p.inputAccepted(), e.getMessage());
        } catch (IllegalStateException e) {
            throw new ConsoleException(ConsoleError.UNKNOWN_VM, e.getMessage());
        }
    }

    @Override
    public long inputAccepted() {
        PrimaryRole p = primary;
        return p == null ? 0 : p.inputAccepted();
    }

    @Override
    public long inputAcked() {
        PrimaryRole p = primary;
        return p == null ? 0 : p.inputAcked();
    }

    @Override
    public void addListener(Runnable changed) {
        listeners.add(changed);
    }

    @Override
    public void removeListener(Runnable changed) {
        listeners.remove(changed);
    }

    @Override
    public ServingState servingState() {
        if (live() != null) {
            return ServingState.SERVING;
        }
        String l = lost;
        if (l != null) {
            return new ServingState.Lost(l);
        }
        String a = arriving;
        return a != null ? new ServingState.Arriving(a)
                : ServingState.notServing(hint, reason, standbyHere.getAsBoolean());
    }
}
