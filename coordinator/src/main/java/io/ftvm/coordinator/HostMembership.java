package io.ftvm.coordinator;

import java.io.Closeable;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.utils.ZKPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live hosts of the cluster, kept current by a watch on {@code hosts/} (Curator's cache, which re-reads after
 * reconnection). A registration that cannot be read is left out of the view and kept in {@link #unreadable()} with
 * its error. Listeners run on Curator's event thread and must not block.
 */
public final class HostMembership implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(HostMembership.class);

    /** A host joined, changed its registration, or left. */
    public record Change(String hostId, HostInfo info, boolean alive) {
    }

    @FunctionalInterface
    public interface Listener {
        void onMembershipChange(Change change);
    }

    private final CuratorCache cache;
    private final RecordCodec codec;
    private final ClusterPaths paths;
    private final Map<String, HostInfo> live = new ConcurrentSkipListMap<>();
    private final Map<String, RecordFormatException> unreadable = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();
    private final CountDownLatch initialized = new CountDownLatch(1);

    public HostMembership(CoordinatorClient client) {
        this.codec = client.codec();
        this.paths = client.paths();
        this.cache = CuratorCache.build(client.curator(), ClusterPaths.HOSTS);
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((oldNode, node) -> onData(node))
                .forDeletes(this::onDelete)
                .forInitialized(initialized::countDown)
                .build());
    }

    public HostMembership start() {
        cache.start();
        return this;
    }

    /** Waits until the first full read of {@code hosts/}. */
    public boolean awaitInitialized(Duration timeout) throws InterruptedException {
        return initialized.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    public void addListener(Listener l) {
        listeners.add(Objects.requireNonNull(l));
    }

    /** The live hosts now, by id (a copy). */
    public SortedMap<String, HostInfo> liveHosts() {
        return new TreeMap<>(live);
    }

    public boolean isLive(String hostId) {
        return live.containsKey(hostId);
    }

    /** Registrations that could not be read, by host id. */
    public Map<String, RecordFormatException> unreadable() {
        return Map.copyOf(unreadable);
    }

    private static String hostIdOf(ChildData node) {
        if (!ClusterPaths.HOSTS.equals(ZKPaths.getPathAndNode(node.getPath()).getPath())) {
            return null; // hosts/ itself
        }
        return ZKPaths.getNodeFromPath(node.getPath());
    }

    private void onData(ChildData node) {
        String id = hostIdOf(node);
        if (id == null) {
            return;
        }
        HostInfo info;
        try {
            info = codec.decodeHost(paths.full(node.getPath()), node.getData());
            if (!info.hostId().equals(id)) {
                throw new RecordFormatException(paths.full(node.getPath()),
                        "registration names host '" + info.hostId() + "'");
            }
        } catch (RecordFormatException e) {
            LOG.warn("host {} left out of the membership view: {}", id, e.getMessage());
            unreadable.put(id, e);
            if (live.remove(id) != null) {
                notify(new Change(id, null, false));
            }
            return;
        }
        unreadable.remove(id);
        live.put(id, info);
        notify(new Change(id, info, true));
    }

    private void onDelete(ChildData old) {
        String id = hostIdOf(old);
        if (id == null) {
            return;
        }
        unreadable.remove(id);
        if (live.remove(id) != null) {
            LOG.info("host {} left the cluster", id);
            notify(new Change(id, null, false));
        }
    }

    private void notify(Change change) {
        for (Listener l : listeners) {
            try {
                l.onMembershipChange(change);
            } catch (RuntimeException e) {
                LOG.error("membership listener failed on {}", change, e);
            }
        }
    }

    @Override
    public void close() {
        cache.close();
    }
}
