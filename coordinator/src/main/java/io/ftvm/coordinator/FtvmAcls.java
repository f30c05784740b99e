package io.ftvm.coordinator;

import java.util.List;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;

/**
 * The ACL of every znode ftvm creates (including {@code /ftvm} and {@code /ftvm/<cluster>}, the latch's and the
 * hosts' ephemeral nodes): ALL for the cluster's digest identity, and READ for everyone when the config says
 * {@code worldReadable} (so {@code ftctl} and {@code zkCli} can show records without the password). Nobody else can
 * create, change or delete anything under {@code /ftvm}. Clusters sharing an ensemble must share credentials, since the
 * first one creates {@code /ftvm}.
 */
final class FtvmAcls implements ACLProvider {
    private final List<ACL> acl;

    FtvmAcls(Credentials credentials, boolean worldReadable) {
        ACL owner = new ACL(Perms.ALL, new Id("digest", credentials.digestId()));
        this.acl = worldReadable ? List.of(owner, new ACL(Perms.READ, Ids.ANYONE_ID_UNSAFE)) : List.of(owner);
    }

    @Override
    public List<ACL> getDefaultAcl() {
        return acl;
    }

    @Override
    public List<ACL> getAclForPath(String path) {
        return acl;
    }
}
