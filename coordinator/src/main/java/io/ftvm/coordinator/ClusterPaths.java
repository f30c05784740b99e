package io.ftvm.coordinator;

/**
 * The znode layout of one cluster. The Curator client is namespaced to {@code ftvm/<cluster>}, so code uses the short
 * paths below; {@link #full(String)} gives what operators see in {@code zkCli}:
 *
 * <pre>
 * /ftvm/&lt;cluster&gt;/hosts/&lt;host&gt;       ephemeral, {@link HostInfo} (one per live ftd)
 * /ftvm/&lt;cluster&gt;/vms/&lt;vm&gt;          persistent, {@link VmSpec}
 * /ftvm/&lt;cluster&gt;/vms/&lt;vm&gt;/state    persistent, {@link VmState}, replaced only by versioned CAS
 * /ftvm/&lt;cluster&gt;/manager            Curator LeaderLatch of the cluster manager (ephemeral sequential children)
 * /ftvm/&lt;cluster&gt;/drained/&lt;host&gt;     persistent, a host being drained for maintenance ({@link DrainedHosts})
 * </pre>
 */
public final class ClusterPaths {
    static final String HOSTS = "/hosts";
    static final String VMS = "/vms";
    static final String MANAGER = "/manager";
    static final String DRAINED = "/drained";
    static final String STATE = "state";

    private final String cluster;

    public ClusterPaths(String cluster) {
        HostInfo.checkId("cluster name", cluster);
        this.cluster = cluster;
    }

    /** The Curator namespace (no leading slash): {@code ftvm/<cluster>}. */
    public String namespace() {
        return "ftvm/" + cluster;
    }

    public String host(String hostId) {
        HostInfo.checkHostId(hostId);
        return HOSTS + "/" + hostId;
    }

    public String drained(String hostId) {
        HostInfo.checkHostId(hostId);
        return DRAINED + "/" + hostId;
    }

    public String vm(String vmId) {
        HostInfo.checkId("VM id", vmId);
        return VMS + "/" + vmId;
    }

    public String state(String vmId) {
        return vm(vmId) + "/" + STATE;
    }

    /** The absolute path of a namespaced path, for messages: {@code /ftvm/<cluster><path>}. */
    public String full(String path) {
        return "/" + namespace() + path;
    }
}
