package io.ftvm.coordinator;

import java.io.Closeable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * Hosts marked for maintenance ({@code ftctl host drain}): one persistent znode per host under {@code drained/}, so
 * the mark outlives the host's restarts until an operator lifts it ({@code host undrain}). A drained host gets no
 * new role: the cluster manager places no backup there and moves the backups it holds, VMs are not started there,
 * and the host hands each primary it runs to the VM's backup by a planned switchover once the VM is protected
 * elsewhere. The view is kept current by a watch (Curator's cache); listeners run on Curator's event thread and
 * must not block.
 */
public final class DrainedHosts implements Closeable {
    private final CuratorFramework curator;
    private final ClusterPaths paths;
    private final CuratorCache cache;
    private final Set<String> drained = new ConcurrentSkipListSet<>();
    private final CopyOnWriteArrayList<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final CountDownLatch initialized = new CountDownLatch(1);

    public DrainedHosts(CoordinatorClient client) {
        this.curator = client.curator();
        this.paths = client.paths();
        this.cache = CuratorCache.build(curator, ClusterPaths.DRAINED);
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((oldNode, node) -> changed(node, true))
                .forDeletes(node -> changed(node, false))
                .forInitialized(initialized::countDown)
                .build());
    }

    public DrainedHosts start() {
        cache.start();
        return this;
    }

    /** Waits until the first full read of {@code drained/}. */
    public boolean awaitInitialized(Duration timeout) throws InterruptedException {
        return initialized.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Told (on Curator's thread) whenever a host is drained or undrained. */
    public void addListener(Runnable l) {
        listeners.add(l);
    }

    /** The hosts drained now, sorted. */
    public SortedSet<String> hosts() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(drained));
    }

    public boolean isDrained(String hostId) {
        return drained.contains(hostId);
    }

    /**
     * Marks {@code hostId} drained ({@code by} says who asked, for operators reading the znode); nothing changes if it
     * is drained already.
     *
     * @return true if the mark is new
     * @throws CoordinatorException when ZooKeeper cannot be written
     */
    public boolean drain(String hostId, String by) {
        String path = paths.drained(hostId);
        try {
            curator.create().withMode(CreateMode.PERSISTENT).forPath(path, by.getBytes(StandardCharsets.UTF_8));
            return true; // the view changes when the watch says so (in ZooKeeper's order of changes)
        } catch (KeeperException.NodeExistsException already) {
            return false;
        } catch (Exception e) {
            throw ZkErrors.translate(paths.full(path), e);
        }
    }

    /**
     * Lifts the mark on {@code hostId}.
     *
     * @return true if it was drained
     * @throws CoordinatorException when ZooKeeper cannot be written
     */
    public boolean undrain(String hostId) {
        String path = paths.drained(hostId);
        try {
            curator.delete().forPath(path);
            return true;
        } catch (KeeperException.NoNodeException notDrained) {
            return false;
        } catch (Exception e) {
            throw ZkErrors.translate(paths.full(path), e);
        }
    }

    private void changed(ChildData node, boolean present) {
        if (!ClusterPaths.DRAINED.equals(ZKPaths.getPathAndNode(node.getPath()).getPath())) {
            return; // drained/ itself
        }
        String host = ZKPaths.getNodeFromPath(node.getPath());
        boolean changed = present ? drained.add(host) : drained.remove(host);
        if (changed) {
            fire();
        }
    }

    private void fire() {
        for (Runnable l : listeners) {
            l.run();
        }
    }

    @Override
    public void close() {
        cache.close();
    }
}
