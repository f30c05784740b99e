package io.ftvm.node.daemon;

import io.ftvm.coordinator.DesiredProtection;
import io.ftvm.coordinator.DrainedHosts;
import io.ftvm.coordinator.HostInfo;
import io.ftvm.coordinator.HostMembership;
import io.ftvm.coordinator.ReconcilePlanner;
import io.ftvm.coordinator.VmCatalog;
import io.ftvm.coordinator.VmState;
import io.ftvm.coordinator.VmStatus;
import io.ftvm.node.admin.AdminApi.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Host maintenance in the operations API: {@code GET /hosts/H} (is it drained, which roles it still holds and what
 * each waits for), {@code POST /hosts/H/drain} and {@code POST /hosts/H/undrain}. Draining marks the host in
 * ZooKeeper ({@link DrainedHosts}); the cluster manager then moves its backups and the host switches its protected
 * primaries over to their backups. A primary whose VM runs without fault tolerance cannot move and is reported as
 * blocking the drain, with what to do.
 */
final class HostDrainApi {
    private static final Pattern HOST = Pattern.compile("/hosts/([^/]*)(/(drain|undrain))?");

    private final DrainedHosts drained;
    private final HostMembership membership;
    private final VmCatalog catalog;
    private final String servedBy;

    HostDrainApi(DrainedHosts drained, HostMembership membership, VmCatalog catalog, String servedBy) {
        this.drained = drained;
        this.membership = membership;
        this.catalog = catalog;
        this.servedBy = servedBy;
    }

    /** True for the paths this API serves. */
    static boolean serves(String path) {
        return HOST.matcher(path).matches();
    }

    Response route(String method, String path) {
        Matcher m = HOST.matcher(path);
        if (!m.matches()) {
            return Response.error(404, "NOT_FOUND", "no such resource: /v1" + path);
        }
        String host = m.group(1);
        try {
            HostInfo.checkHostId(host);
        } catch (IllegalArgumentException e) {
            return Response.error(400, "BAD_HOST_ID", e.getMessage());
        }
        String action = m.group(3);
        if (action == null) {
            return method.equals("GET") ? Response.json(200, progress(host))
                    : Response.error(405, "METHOD_NOT_ALLOWED", "use GET");
        }
        if (!method.equals("POST")) {
            return Response.error(405, "METHOD_NOT_ALLOWED", "use POST for " + action);
        }
        if (action.equals("undrain")) {
            boolean was = drained.undrain(host);
            Map<String, Object> out = progress(host);
            out.put("drained", false); // this host's view follows by its watch
            out.put("changed", was);
            return Response.json(200, out);
        }
        if (!membership.isLive(host) && !holdsRoles(host)) {
            return Response.error(404, "NO_SUCH_HOST", "host '" + host + "' is not live and holds no VM role (live: "
                    + String.join(", ", membership.liveHosts().keySet()) + ")");
        }
        boolean added = drained.drain(host, "drained through " + servedBy);
        Map<String, Object> out = progress(host);
        out.put("drained", true); // this host's view follows by its watch
        out.put("changed", added);
        return Response.json(200, out);
    }

    private boolean holdsRoles(String host) {
        for (ReconcilePlanner.VmView v : catalog.views()) {
            VmState s = v.state().state();
            if (host.equals(s.primary()) || host.equals(s.backup())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Where the host's drain stands: the roles it still holds, each with what it waits for, the VMs that block it
     * (they cannot move), and whether it is done (no role left).
     */
    Map<String, Object> progress(String host) {
        Map<String, String> primaries = new TreeMap<>();
        Map<String, String> backups = new TreeMap<>();
        Map<String, String> blockers = new TreeMap<>();
        for (ReconcilePlanner.VmView v : catalog.views()) {
            VmState s = v.state().state();
            if (host.equals(s.backup())) {
                backups.put(v.vmId(), "the backup moves to another host (" + s.status() + ")");
            }
            if (!host.equals(s.primary())) {
                continue;
            }
            DesiredProtection want = v.spec().protection();
            if (s.status() == VmStatus.PROTECTED) {
                primaries.put(v.vmId(), "switching over to " + s.backup());
            } else if (s.status() == VmStatus.SYNCING) {
                primaries.put(v.vmId(), "waiting for backup " + s.backup() + " to be in sync, then switching over");
            } else if (want == DesiredProtection.PROTECTED) {
                primaries.put(v.vmId(), "waiting for a backup on another host, then switching over");
            } else {
                String why = "fault tolerance is " + (want == DesiredProtection.NONE ? "off" : "suspended")
                        + ": the VM has no backup to switch over to; turn fault tolerance on (ftctl ft "
                        + (want == DesiredProtection.NONE ? "on" : "resume") + " " + v.vmId() + ") or stop it";
                primaries.put(v.vmId(), why);
                blockers.put(v.vmId(), why);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("host", host);
        out.put("live", membership.isLive(host));
        out.put("drained", drained.isDrained(host));
        out.put("primaries", primaries);
        out.put("backups", backups);
        out.put("blockers", blockers);
        out.put("done", primaries.isEmpty() && backups.isEmpty());
        return out;
    }

    /** The drained hosts, for the cluster status. */
    List<String> drainedHosts() {
        return new ArrayList<>(drained.hosts());
    }
}
