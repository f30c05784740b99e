package io.ftvm.coordinator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;

/**
 * The ACL of every znode ftvm creates (including {@code /ftvm} and {@code /ftvm/<cluster>}, the latch's and the
 * hosts' ephemeral nodes): ALL for the cluster's digest identity, and READ for everyone only when the config says
 * {@code worldReadable} (off by default) — never on {@code endpoints/}, whose records carry the replication pairs'
 * keys. Nobody else can
 * create, change or delete anything under {@code /ftvm}. Clusters sharing an ensemble must share credentials, since the
 * first one creates {@code /ftvm}.
 */
final class FtvmAcls implements ACLProvider {
    private final List<ACL> acl;
    private final List<ACL> ownerOnly;

    FtvmAcls(Credentials credentials, boolean worldReadable) {
        ACL owner = new ACL(Perms.ALL, new Id("digest", credentials.digestId()));
        // not List.of: ZooKeeper asks the list whether it contains null, which List.of answers with an NPE
        List<ACL> list = new ArrayList<>();
        list.add(owner);
        if (worldReadable) {
            list.add(new ACL(Perms.READ, Ids.ANYONE_ID_UNSAFE));
        }
        this.acl = Collections.unmodifiableList(list);
        List<ACL> owned = new ArrayList<>();
        owned.add(owner);
        this.ownerOnly = Collections.unmodifiableList(owned);
    }

    @Override
    public List<ACL> getDefaultAcl() {
        return acl;
    }

    @Override
    public List<ACL> getAclForPath(String path) {
        return path != null && (path.endsWith(EndpointDirectory.ENDPOINTS) || path.contains(EndpointDirectory.ENDPOINTS
                + "/")) ? ownerOnly : acl;
    }
}
