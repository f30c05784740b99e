package io.ftvm.coordinator;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;

/**
 * Takes world read access away from the znodes of a cluster that should not have it: znodes created by earlier
 * versions (whose default was world-readable) or while {@code worldReadable} was on keep their ACL until something
 * changes it, and this is that something. It walks {@code /ftvm} and the cluster's subtree once and gives every znode
 * that grants anything to {@code world:anyone} the ACL {@link FtvmAcls} gives its path now. It only ever tightens:
 * it never grants world access (so clusters sharing {@code /ftvm} cannot undo each other), and it leaves znodes it
 * may not administer as they are, reporting them.
 */
public final class AclRepair {
    /** A walk stops after this many znodes (a cluster has a few per VM and host). */
    static final int MAX_ZNODES = 200_000;

    private final CuratorFramework root;
    private final FtvmAcls acls;

    /** {@code curator} is the cluster's namespaced client; the walk uses absolute paths. */
    AclRepair(CuratorFramework curator, FtvmAcls acls) {
        this.root = curator.usingNamespace(null);
        this.acls = acls;
    }

    /**
     * What a walk did.
     *
     * @param checked   znodes whose ACL was read
     * @param tightened znodes that lost world access
     * @param refused   paths that grant world access but whose ACL this identity may not change (or that changed
     *                  under the walk), with why
     */
    public record Report(int checked, int tightened, List<String> refused) {
        public Report {
            refused = List.copyOf(refused);
        }

        @Override
        public String toString() {
            return checked + " znodes checked, " + tightened + " made private"
                    + (refused.isEmpty() ? "" : "; could not change " + refused);
        }
    }

    /** Walks {@code /ftvm} (that znode only) and {@code clusterRoot} with everything below it. */
    Report tighten(String clusterRoot) throws Exception {
        int checked = 0;
        int tightened = 0;
        List<String> refused = new ArrayList<>();
        Deque<String> todo = new ArrayDeque<>();
        todo.add(clusterRoot);
        String parent = clusterRoot.substring(0, clusterRoot.lastIndexOf('/'));
        if (!parent.isEmpty()) {
            todo.add(parent);
        }
        while (!todo.isEmpty() && checked < MAX_ZNODES) {
            String path = todo.poll();
            Stat stat = new Stat();
            List<ACL> acl;
            try {
                acl = root.getACL().storingStatIn(stat).forPath(path);
            } catch (KeeperException.NoNodeException gone) {
                continue;
            }
            checked++;
            if (acl.stream().anyMatch(a -> Ids.ANYONE_ID_UNSAFE.equals(a.getId()))) {
                try {
                    root.setACL().withVersion(stat.getAversion()).withACL(acls.getAclForPath(path)).forPath(path);
                    tightened++;
                } catch (KeeperException.NoAuthException | KeeperException.BadVersionException
                         | KeeperException.NoNodeException e) {
                    refused.add(path + " (" + e.code() + ")");
                }
            }
            if (path.equals(clusterRoot) || path.startsWith(clusterRoot + "/")) {
                try {
                    for (String child : root.getChildren().forPath(path)) {
                        todo.add(path + "/" + child);
                    }
                } catch (KeeperException.NoNodeException | KeeperException.NoAuthException e) {
                    refused.add(path + " (children: " + e.code() + ")");
                }
            }
        }
        return new Report(checked, tightened, refused);
    }
}
