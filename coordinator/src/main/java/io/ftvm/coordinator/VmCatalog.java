package io.ftvm.coordinator;

import java.io.Closeable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.utils.ZKPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A watch-based view of every VM record ({@code vms/} and below), decoded once per change: what the cluster manager
 * plans from. The view may lag ZooKeeper by a notification; every write made from it is a CAS, so a stale view costs
 * a lost CAS, never a lost update. Records that cannot be read are kept in {@link #unreadable()} by znode path.
 */
public final class VmCatalog implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(VmCatalog.class);

    private final CuratorCache cache;
    private final RecordCodec codec;
    private final ClusterPaths paths;
    private final Runnable onChange;
    private final Map<String, VmSpec> specs = new ConcurrentHashMap<>();
    private final Map<String, VersionedState> states = new ConcurrentHashMap<>();
    private final Map<String, RecordFormatException> unreadable = new ConcurrentHashMap<>();
    private final CountDownLatch initialized = new CountDownLatch(1);

    /** {@code onChange} runs on Curator's event thread after every change; it must not block. */
    public VmCatalog(CoordinatorClient client, Runnable onChange) {
        this.codec = client.codec();
        this.paths = client.paths();
        this.onChange = onChange;
        this.cache = CuratorCache.build(client.curator(), ClusterPaths.VMS);
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((oldNode, node) -> onData(node))
                .forDeletes(this::onDelete)
                .forInitialized(() -> {
                    initialized.countDown();
                    onChange.run();
                })
                .build());
    }

    public VmCatalog start() {
        cache.start();
        return this;
    }

    public boolean awaitInitialized(Duration timeout) throws InterruptedException {
        return initialized.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Every VM with a readable spec and state. */
    public List<ReconcilePlanner.VmView> views() {
        List<ReconcilePlanner.VmView> out = new ArrayList<>(states.size());
        for (Map.Entry<String, VersionedState> e : states.entrySet()) {
            VmSpec spec = specs.get(e.getKey());
            if (spec != null) {
                out.add(new ReconcilePlanner.VmView(e.getKey(), spec, e.getValue()));
            }
        }
        return out;
    }

    /** Unreadable records by full znode path. */
    public Map<String, RecordFormatException> unreadable() {
        return Map.copyOf(unreadable);
    }

    /** {@code [vmId, "state"]}, {@code [vmId]}, or empty for {@code vms/} itself and anything deeper. */
    private static List<String> parts(ChildData node) {
        List<String> all = ZKPaths.split(node.getPath());
        if (all.size() < 2 || !("/" + all.get(0)).equals(ClusterPaths.VMS) || all.size() > 3) {
            return List.of();
        }
        return all.subList(1, all.size());
    }

    private void onData(ChildData node) {
        List<String> p = parts(node);
        String full = paths.full(node.getPath());
        try {
            if (p.size() == 1) {
                specs.put(p.get(0), codec.decodeSpec(full, node.getData()));
            } else if (p.size() == 2 && ClusterPaths.STATE.equals(p.get(1))) {
                VmState s = codec.decodeState(full, node.getData());
                states.put(p.get(0), new VersionedState(p.get(0), s, node.getStat().getVersion()));
            } else {
                return;
            }
            unreadable.remove(full);
        } catch (RecordFormatException e) {
            if (unreadable.put(full, e) == null) {
                LOG.warn("ignoring an unreadable VM record: {}", e.getMessage());
            }
            if (p.size() == 2) {
                states.remove(p.get(0));
            } else {
                specs.remove(p.get(0));
            }
        }
        onChange.run();
    }

    private void onDelete(ChildData old) {
        List<String> p = parts(old);
        unreadable.remove(paths.full(old.getPath()));
        if (p.size() == 1) {
            specs.remove(p.get(0));
        } else if (p.size() == 2) {
            states.remove(p.get(0));
        }
        onChange.run();
    }

    @Override
    public void close() {
        cache.close();
    }
}
