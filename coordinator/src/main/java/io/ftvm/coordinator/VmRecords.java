package io.ftvm.coordinator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VM records in ZooKeeper: {@code vms/<vm>} holds the {@link VmSpec}, {@code vms/<vm>/state} the {@link VmState}.
 * The state is replaced only by a compare-and-set on the znode version ({@code setData().withVersion()}) of a state
 * computed by {@link Transitions}; every change increments the epoch, so of several hosts racing the same change from
 * the same epoch exactly one wins and the others learn the winner ({@link TransitionOutcome.Lost}).
 *
 * <p>A CAS whose reply was lost to a connection drop is retried by Curator; if the first attempt had landed, the retry
 * fails on the version, and the store then looks at the record: if it is the state it wrote, or a later one that still
 * shows the role tenure its transition created (start, take over, assign backup: same holder, {@code since} = the
 * epoch it wrote), it reports {@link TransitionOutcome.Won}. A lost reply to a transition that creates no tenure (in
 * sync, go unprotected, stop) followed by further changes before the re-read is reported as
 * {@link TransitionOutcome.Lost}; the caller still holds its role then, which {@link TransitionOutcome.Lost#stillHolds}
 * tells it, so no role halts for it.
 */
public final class VmRecords {
    private static final Logger LOG = LoggerFactory.getLogger(VmRecords.class);

    private final CuratorFramework curator;
    private final ClusterPaths paths;
    private final RecordCodec codec;

    public VmRecords(CoordinatorClient client) {
        this.curator = client.curator();
        this.paths = client.paths();
        this.codec = client.codec();
    }

    /**
     * Creates a VM's record, stopped at epoch 0, in one ZooKeeper transaction (spec and state appear together).
     *
     * @throws VmAlreadyExistsException if the VM exists
     */
    public VersionedState create(String vmId, VmSpec spec) {
        String vmPath = paths.vm(vmId);
        VmState initial = VmState.initial();
        try {
            curator.transaction().forOperations(
                    curator.transactionOp().create().withMode(CreateMode.PERSISTENT)
                            .forPath(vmPath, codec.encodeSpec(spec)),
                    curator.transactionOp().create().withMode(CreateMode.PERSISTENT)
                            .forPath(paths.state(vmId), codec.encodeState(initial)));
        } catch (KeeperException.NodeExistsException e) {
            throw new VmAlreadyExistsException(vmId);
        } catch (Exception e) {
            throw ZkErrors.translate(paths.full(vmPath), e);
        }
        return new VersionedState(vmId, initial, 0);
    }

    /** The VM's spec. */
    public VmSpec spec(String vmId) {
        String path = paths.vm(vmId);
        return codec.decodeSpec(paths.full(path), read(vmId, path, null));
    }

    /**
     * Sets the VM's desired protection (turn fault tolerance on, off, suspend or resume it) by a compare-and-set on
     * the spec znode, retried when another writer got there first. The cluster manager acts on the change.
     *
     * @return the spec as written
     * @throws NoSuchVmException if the VM has no record
     */
    public VmSpec setProtection(String vmId, DesiredProtection protection) {
        Objects.requireNonNull(protection, "protection");
        String path = paths.vm(vmId);
        for (int attempt = 0; ; attempt++) {
            Stat stat = new Stat();
            VmSpec current = codec.decodeSpec(paths.full(path), read(vmId, path, stat));
            VmSpec next = current.withProtection(protection);
            if (next.equals(current)) {
                return current;
            }
            try {
                curator.setData().withVersion(stat.getVersion()).forPath(path, codec.encodeSpec(next));
                return next;
            } catch (KeeperException.BadVersionException e) {
                if (attempt >= 10) {
                    throw new CoordinatorException("the spec of VM " + vmId + " keeps changing; try again", e);
                }
            } catch (KeeperException.NoNodeException e) {
                throw new NoSuchVmException(vmId);
            } catch (Exception e) {
                throw ZkErrors.translate(paths.full(path), e);
            }
        }
    }

    /** The VM's current state with its znode version. */
    public VersionedState state(String vmId) {
        String path = paths.state(vmId);
        Stat stat = new Stat();
        byte[] data = read(vmId, path, stat);
        return new VersionedState(vmId, codec.decodeState(paths.full(path), data), stat.getVersion());
    }

    /** The ids of all VMs, sorted. */
    public List<String> list() {
        try {
            List<String> ids = new ArrayList<>(curator.getChildren().forPath(ClusterPaths.VMS));
            Collections.sort(ids);
            return ids;
        } catch (Exception e) {
            throw ZkErrors.translate(paths.full(ClusterPaths.VMS), e);
        }
    }

    /**
     * Applies {@code transition} if the record is still at {@code expectedEpoch}: reads it, computes the next state,
     * and writes it with a CAS on the version read. This is the call for roles ("I hold epoch e; take over").
     *
     * @throws IllegalTransitionException if the record is at {@code expectedEpoch} but does not allow the transition
     * @throws NoSuchVmException         if the VM has no record
     */
    public TransitionOutcome transition(String vmId, long expectedEpoch, Transition transition) {
        VersionedState current = state(vmId);
        if (current.epoch() != expectedEpoch) {
            return new TransitionOutcome.Lost(current);
        }
        return transition(current, transition);
    }

    /**
     * Applies {@code transition} to {@code expected} and writes the result with a CAS on {@code expected}'s znode
     * version, without reading first (for callers that keep an up-to-date view, like the cluster manager's cache).
     *
     * @throws IllegalTransitionException if {@code expected} does not allow the transition
     */
    public TransitionOutcome transition(VersionedState expected, Transition transition) {
        Objects.requireNonNull(expected, "expected");
        VmState next = Transitions.apply(expected.state(), transition);
        String path = paths.state(expected.vmId());
        try {
            Stat stat = curator.setData().withVersion(expected.zkVersion()).forPath(path, codec.encodeState(next));
            LOG.debug("{}: {} -> {}", expected.vmId(), transition, next);
            return new TransitionOutcome.Won(new VersionedState(expected.vmId(), next, stat.getVersion()));
        } catch (KeeperException.BadVersionException e) {
            VersionedState current = state(expected.vmId());
            if (recognisesOwnWrite(next, current.state())) {
                // Our own write, applied before a connection loss hid the reply from us.
                return new TransitionOutcome.Won(current);
            }
            LOG.debug("{}: {} lost at epoch {}, now {}", expected.vmId(), transition, expected.epoch(),
                    current.state());
            return new TransitionOutcome.Lost(current);
        } catch (KeeperException.NoNodeException e) {
            throw new NoSuchVmException(expected.vmId());
        } catch (Exception e) {
            throw ZkErrors.translate(paths.full(path), e);
        }
    }

    /**
     * Deletes a stopped VM's record (state and spec in one transaction, the state by CAS on its version).
     *
     * @throws IllegalTransitionException if the VM is running
     * @return false if the record changed since {@code expected} (nothing deleted)
     */
    public boolean delete(VersionedState expected) {
        if (expected.state().status().running()) {
            throw new IllegalTransitionException(expected.state(), new Transition.Stop("delete"),
                    "stop the VM before deleting its record");
        }
        String vmPath = paths.vm(expected.vmId());
        try {
            curator.transaction().forOperations(
                    curator.transactionOp().delete().withVersion(expected.zkVersion())
                            .forPath(paths.state(expected.vmId())),
                    curator.transactionOp().delete().forPath(vmPath));
            return true;
        } catch (KeeperException.BadVersionException e) {
            return false;
        } catch (KeeperException.NoNodeException e) {
            throw new NoSuchVmException(expected.vmId());
        } catch (Exception e) {
            throw ZkErrors.translate(paths.full(vmPath), e);
        }
    }

    /**
     * True when {@code current} shows that the write of {@code next} landed: it is {@code next}, or a later state that
     * still holds the tenure {@code next} created. Epochs are written once each, so a tenure that started at
     * {@code next.epoch()} can only come from that write.
     */
    static boolean recognisesOwnWrite(VmState next, VmState current) {
        if (current.equals(next)) {
            return true;
        }
        if (current.epoch() <= next.epoch()) {
            return false;
        }
        long e = next.epoch();
        boolean newPrimary = next.primarySince() == e && current.primarySince() == e
                && next.primary().equals(current.primary());
        boolean newBackup = next.backupSince() == e && current.backupSince() == e
                && next.backup().equals(current.backup());
        return newPrimary || newBackup;
    }

    private byte[] read(String vmId, String path, Stat stat) {
        try {
            return stat == null ? curator.getData().forPath(path) : curator.getData().storingStatIn(stat).forPath(path);
        } catch (KeeperException.NoNodeException e) {
            throw new NoSuchVmException(vmId);
        } catch (Exception e) {
            throw ZkErrors.translate(paths.full(path), e);
        }
    }
}
