package io.ftvm.coordinator;

import java.io.Closeable;
import java.util.Objects;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one VM's state on behalf of a role holder (a host that got the primary or backup role at some epoch) and
 * tells it when it is fenced: the record moved past its epoch and no longer names it in that tenure of its role (the
 * host is gone from the role, or holds it again from a later epoch, which is a new tenure for a new instance), or the
 * record was deleted or became unreadable (it can no longer prove it holds the role). While the record moves on and still names the holder
 * (the primary's own CAS, the manager assigning or dropping a backup), the holder's epoch follows and it is told so.
 * Fenced is reported once; the watch stops then. The ZooKeeper watch is re-established after reconnection and a new
 * session (Curator's cache re-reads the node), so a holder cut off while it was fenced learns it on reconnection.
 * Callbacks run on Curator's event thread and must not block.
 */
public final class FencingWatch implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(FencingWatch.class);

    /** The role's side. */
    public interface Listener {
        /** The record names this holder at a higher epoch; the holder uses {@code current.epoch()} from now on. */
        default void onEpochAdvanced(VmState current) {
        }

        /**
         * This holder is fenced: halt the instance. {@code current} is null when the record is gone or unreadable.
         * A backup that won its own takeover also ends its backup tenure; it closes this watch and watches as
         * primary from the state its takeover returned (if the notification comes first, {@code current} names it
         * primary since that epoch).
         */
        void onFenced(String vmId, long heldEpoch, VmState current, String reason);
    }

    /** What a state means for a holder (pure; see {@link #evaluate}). */
    enum Verdict {
        /** Same epoch: nothing changed for the holder. */
        CURRENT,
        /** Higher epoch, still names the holder in its role. */
        ADVANCED,
        /** The holder's tenure is over, or the epoch went back (cannot happen through ftvm). */
        FENCED
    }

    private final CuratorCache cache;
    private final String vmId;
    private final String host;
    private final Role role;
    private final long since;
    private final Listener listener;
    private final String fullPath;
    private final RecordCodec codec;
    private long heldEpoch;
    private boolean fenced;

    /**
     * Watches {@code vmId} for {@code host} holding {@code role} as in {@code held} (the state the holder knows, for
     * example the one its own transition produced). Call {@link #start()}.
     */
    public FencingWatch(CoordinatorClient client, String vmId, String host, Role role, VmState held,
                        Listener listener) {
        if (!held.names(host, role)) {
            throw new IllegalArgumentException(held + " does not name " + host + " as " + role);
        }
        this.vmId = vmId;
        this.host = host;
        this.role = Objects.requireNonNull(role);
        this.since = held.since(role);
        this.heldEpoch = held.epoch();
        this.listener = Objects.requireNonNull(listener);
        this.codec = client.codec();
        String path = client.paths().state(vmId);
        this.fullPath = client.paths().full(path);
        this.cache = CuratorCache.build(client.curator(), path, CuratorCache.Options.SINGLE_NODE_CACHE);
        this.cache.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((oldNode, node) -> onData(node))
                .forDeletes(old -> fence(null, "the VM's record was deleted"))
                .forInitialized(() -> {
                    if (cache.get(path).isEmpty()) {
                        fence(null, "the VM has no record");
                    }
                })
                .build());
    }

    /**
     * What {@code state} means for {@code host} holding {@code role} since epoch {@code since}, last seen at
     * {@code heldEpoch}.
     */
    static Verdict evaluate(String host, Role role, long since, long heldEpoch, VmState state) {
        if (!state.names(host, role) || state.since(role) != since || state.epoch() < heldEpoch) {
            return Verdict.FENCED;
        }
        return state.epoch() == heldEpoch ? Verdict.CURRENT : Verdict.ADVANCED;
    }

    public FencingWatch start() {
        cache.start();
        return this;
    }

    /** The epoch this holder holds now (follows {@link Listener#onEpochAdvanced}). */
    public synchronized long heldEpoch() {
        return heldEpoch;
    }

    public synchronized boolean fenced() {
        return fenced;
    }

    private void onData(ChildData node) {
        VmState state;
        try {
            state = codec.decodeState(fullPath, node.getData());
        } catch (RecordFormatException e) {
            fence(null, e.getMessage());
            return;
        }
        Verdict verdict;
        synchronized (this) {
            if (fenced) {
                return;
            }
            verdict = evaluate(host, role, since, heldEpoch, state);
            if (verdict == Verdict.ADVANCED) {
                heldEpoch = state.epoch();
            }
        }
        if (verdict == Verdict.ADVANCED) {
            listener.onEpochAdvanced(state);
        } else if (verdict == Verdict.FENCED) {
            fence(state, state.epoch() < heldEpoch() ? "the record's epoch went back to " + state.epoch()
                    : "epoch " + state.epoch() + " no longer names " + host + " as " + role + " since epoch " + since);
        }
    }

    private void fence(VmState current, String reason) {
        long epoch;
        synchronized (this) {
            if (fenced) {
                return;
            }
            fenced = true;
            epoch = heldEpoch;
        }
        LOG.warn("{} is fenced as {} of {} at epoch {}: {}", host, role, vmId, epoch, reason);
        listener.onFenced(vmId, epoch, current, reason);
    }

    @Override
    public void close() {
        cache.close();
    }
}
