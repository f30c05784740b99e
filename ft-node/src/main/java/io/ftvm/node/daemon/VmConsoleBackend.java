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

    /** Serves from {@code role} (this host became the VM's primary). */
    void serve(PrimaryRole role, OutputHistory out) {
        OutputHistory old = history;
        if (old != null) {
            old.removeListener(fire);
        }
        history = out;
        primary = role;
        out.addListener(fire);
        role.addInputAckListener(fire);
        fire();
    }

    /** Not served here; the primary's console is at {@code primaryConsole} (may be empty). */
    void redirect(String primaryConsole, String why) {
        PrimaryRole p = primary;
        primary = null;
        lost = null;
        hint = primaryConsole == null ? "" : primaryConsole;
        reason = why;
        if (p != null) {
            fire();
        }
    }

    /** No host serves the VM any more ({@code why}: its primary's host is gone, no backup could take over). */
    void lost(String why) {
        PrimaryRole p = primary;
        primary = null;
        hint = "";
        reason = why;
        boolean changed = lost == null;
        lost = why;
        if (p != null || changed) {
            fire();
        }
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
        return l != null ? new ServingState.Lost(l) : ServingState.notServing(hint, reason);
    }
}
