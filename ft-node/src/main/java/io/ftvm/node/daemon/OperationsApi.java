package io.ftvm.node.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import io.ftvm.coordinator.CoordinatorException;
import io.ftvm.coordinator.CoordinatorUnavailableException;
import io.ftvm.coordinator.DesiredProtection;
import io.ftvm.coordinator.HostInfo;
import io.ftvm.coordinator.HostMembership;
import io.ftvm.coordinator.IllegalTransitionException;
import io.ftvm.coordinator.NoSuchVmException;
import io.ftvm.coordinator.PlacementPolicy;
import io.ftvm.coordinator.ReconcilePlanner;
import io.ftvm.coordinator.Transition;
import io.ftvm.coordinator.TransitionOutcome;
import io.ftvm.coordinator.VersionedState;
import io.ftvm.coordinator.VmAlreadyExistsException;
import io.ftvm.coordinator.VmCatalog;
import io.ftvm.coordinator.VmRecords;
import io.ftvm.coordinator.VmSpec;
import io.ftvm.coordinator.VmState;
import io.ftvm.node.admin.AdminApi;
import io.ftvm.node.admin.ProtectionStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ftd's operations API (see {@code docs/operations.md} for every route): the cluster's status, VM lifecycle, fault
 * tolerance on/off/suspend/resume, and this host's part of a VM (its live figures, crash drills). Cluster-wide
 * answers come from this host's cached views of ZooKeeper plus the live figures of the VM's primary and backup
 * hosts, fetched from their admin endpoints ({@link PeerFigures}); changes are compare-and-set writes to the VM
 * records, which every host's reconcile loop then carries out.
 */
final class OperationsApi implements AdminApi {
    private static final Logger LOG = LoggerFactory.getLogger(OperationsApi.class);
    private static final Pattern VM = Pattern.compile("/vms/([^/]+)(/(start|stop|ft))?");
    private static final Pattern LOCAL = Pattern.compile("/local/vms/([^/]+)(/(crash|recording|switchover))?");
    /** The longest switchover an operator may allow (the VM stands still meanwhile). */
    private static final long MAX_SWITCHOVER_MILLIS = 60_000;
    /** VM ids are znode names (as {@code HostInfo} checks them). */
    private static final Pattern VM_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /** This host's instances as the API needs them (runs the call on the reconcile thread). */
    interface LocalVms {
        Optional<Map<String, Object>> figures(String vmId);

        Optional<VmInstance.Crash> crash(String vmId, String role) throws IOException;

        Optional<StreamBody> recording(String vmId) throws IOException;

        /** Switches this host's primary over to its backup; empty when this host is not the VM's primary. */
        Optional<io.ftvm.primary.Switchover.Result> switchOver(String vmId, java.time.Duration timeout)
                throws IOException;
    }

    /** A switchover that could not start or was abandoned (the VM runs on where it was). */
    static final class SwitchoverFailed extends IOException {
        private static final long serialVersionUID = 1L;

        SwitchoverFailed(String message) {
            super(message);
        }
    }

    private final String hostId;
    private final String cluster;
    private final VmRecords records;
    private final VmCatalog catalog;
    private final HostMembership membership;
    private final io.ftvm.coordinator.DrainedHosts drained;
    private final HostDrainApi hosts;
    private final LocalVms local;
    private final PeerFigures peers;
    private final java.util.function.BooleanSupplier connected;
    private final VmMachines machines;
    private final ReconcilePlanner planner = new ReconcilePlanner(new PlacementPolicy());

    OperationsApi(String hostId, String cluster, VmRecords records, VmCatalog catalog, HostMembership membership,
            io.ftvm.coordinator.DrainedHosts drained, LocalVms local, PeerFigures peers, java.util.function.BooleanSupplier connected, VmMachines machines) {
        this.machines = machines;
        this.connected = connected;
        this.hostId = hostId;
        this.cluster = cluster;
        this.records = records;
        this.catalog = catalog;
        this.membership = membership;
        this.drained = drained;
        this.hosts = new HostDrainApi(drained, membership, catalog, hostId);
        this.local = local;
        this.peers = peers;
    }

    @Override
    public Response handle(String method, String path, String query, byte[] body) {
        try {
            return route(method, path, body);
        } catch (BadRequest e) {
            return Response.error(400, "BAD_REQUEST", e.getMessage());
        } catch (IllegalArgumentException e) {
            return Response.error(400, "BAD_REQUEST", e.getMessage());
        } catch (NoSuchVmException e) {
            return Response.error(404, "NO_SUCH_VM", e.getMessage());
        } catch (VmAlreadyExistsException e) {
            return Response.error(409, "VM_EXISTS", e.getMessage());
        } catch (IllegalTransitionException e) {
            return Response.error(409, "ILLEGAL_TRANSITION", e.getMessage());
        } catch (CoordinatorUnavailableException e) {
            return Response.error(503, "ZOOKEEPER_UNAVAILABLE", "ZooKeeper is unreachable from " + hostId + ": "
                    + e.getMessage());
        } catch (CoordinatorException e) {
            return Response.error(503, "COORDINATOR_ERROR", e.getMessage());
        } catch (SwitchoverFailed e) {
            return Response.error(409, "SWITCHOVER_FAILED", e.getMessage());
        } catch (RecordingExport.RecordingUnavailable e) {
            return Response.error(409, "RECORDING_UNAVAILABLE", e.getMessage());
        } catch (IOException e) {
            return Response.error(500, "IO_ERROR", e.getMessage());
        }
    }

    private Response route(String method, String path, byte[] body) throws IOException {
        Matcher id = Pattern.compile("/(?:local/)?vms/([^/]*).*").matcher(path);
        if (id.matches() && !VM_ID.matcher(id.group(1)).matches()) {
            return Response.error(400, "BAD_VM_ID", "'" + shorten(id.group(1)) + "' is not a VM id (1-128 letters, "
                    + "digits, '.', '_', '-', starting with a letter or digit)");
        }
        if (!path.startsWith("/local/") && !connected.getAsBoolean()) {
            // a host cut off from ZooKeeper would answer from a frozen view: let the client ask another host
            return Response.error(503, "ZOOKEEPER_UNAVAILABLE", "host " + hostId + " is not connected to ZooKeeper;"
                    + " ask another host");
        }
        if (path.equals("/status")) {
            return get(method, () -> Response.json(200, status()));
        }
        if (HostDrainApi.serves(path)) {
            return hosts.route(method, path);
        }
        if (path.equals("/vms")) {
            if (method.equals("POST")) {
                return create(body);
            }
            return get(method, () -> Response.json(200, Map.of("vms", summaries(false))));
        }
        Matcher m = VM.matcher(path);
        if (m.matches()) {
            String vm = m.group(1);
            String action = m.group(3);
            if (action == null) {
                if (method.equals("DELETE")) {
                    return delete(vm);
                }
                return get(method, () -> Response.json(200, describe(vm, true)));
            }
            if (!method.equals("POST")) {
                return Response.error(405, "METHOD_NOT_ALLOWED", "use POST for " + action);
            }
            return switch (action) {
                case "start" -> start(vm, json(body));
                case "stop" -> stop(vm);
                default -> faultTolerance(vm, json(body));
            };
        }
        m = LOCAL.matcher(path);
        if (m.matches()) {
            String vm = m.group(1);
            String action = m.group(3);
            if (action == null) {
                return get(method, () -> local.figures(vm).map(f -> Response.json(200, f))
                        .orElseGet(() -> Response.error(404, "NOT_ON_THIS_HOST", "host " + hostId
                                + " runs nothing for VM " + vm)));
            }
            if (action.equals("recording")) {
                if (!method.equals("GET")) {
                    return Response.error(405, "METHOD_NOT_ALLOWED", "use GET for a recording");
                }
                return local.recording(vm).map(s -> Response.stream("application/octet-stream", s))
                        .orElseGet(() -> Response.error(404, "NOT_PRIMARY_HERE", "host " + hostId
                                + " is not the primary of VM " + vm));
            }
            if (!method.equals("POST")) {
                return Response.error(405, "METHOD_NOT_ALLOWED", "use POST for " + action);
            }
            if (action.equals("switchover")) {
                return switchOver(vm, body);
            }
            String role = text(json(body), "role", true);
            if (!role.equals("primary") && !role.equals("backup")) {
                throw new BadRequest("role must be 'primary' or 'backup', was '" + role + "'");
            }
            return local.crash(vm, role).map(c -> c.refused() != null
                            ? Response.error(409, "CRASH_REFUSED", c.refused())
                            : Response.json(200, Map.of("host", hostId, "vm", vm, "role", c.role(),
                                    "crashedAtUnixMillis", c.crashedAtUnixMillis(), "tenure", c.tenure())))
                    .orElseGet(() -> Response.error(404, "NOT_ON_THIS_HOST", "host " + hostId + " runs no " + role
                            + " of VM " + vm));
        }
        return Response.error(404, "NOT_FOUND", "no such resource: /v1" + path);
    }

    /** {@code POST /local/vms/VM/switchover {"timeoutMs": N}} on the VM's primary host. */
    private Response switchOver(String vm, byte[] body) throws IOException {
        JsonNode req = body == null || body.length == 0 ? null : json(body);
        long timeoutMs = 5_000;
        if (req != null && req.has("timeoutMs")) {
            JsonNode t = req.get("timeoutMs");
            if (!t.canConvertToLong() || !t.isIntegralNumber() || t.asLong() < 1 || t.asLong() > MAX_SWITCHOVER_MILLIS) {
                throw new BadRequest("timeoutMs must be a whole number of milliseconds in 1.." + MAX_SWITCHOVER_MILLIS
                        + ", was " + t);
            }
            timeoutMs = t.asLong();
        }
        Optional<io.ftvm.primary.Switchover.Result> r = local.switchOver(vm,
                java.time.Duration.ofMillis(timeoutMs));
        if (r.isEmpty()) {
            return Response.error(404, "NOT_PRIMARY_HERE", "host " + hostId + " is not the primary of VM " + vm);
        }
        io.ftvm.primary.Switchover.Result s = r.get();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("vm", vm);
        out.put("from", hostId);
        out.put("to", s.backup());
        out.put("icount", s.icount());
        out.put("ackWaitMs", s.ackWaitNanos() / 1e6);
        out.put("pausedMs", s.pausedNanos() / 1e6);
        return Response.json(200, out);
    }

    private static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    @FunctionalInterface
    private interface Get {
        Response get() throws IOException;
    }

    private static Response get(String method, Get g) throws IOException {
        return method.equals("GET") ? g.get() : Response.error(405, "METHOD_NOT_ALLOWED", "use GET");
    }

    // ---------------------------------------------------------------- reading

    private Map<String, Object> status() {
        SortedMap<String, HostInfo> live = membership.liveHosts();
        List<ReconcilePlanner.VmView> views = catalog.views();
        Map<String, Long> used = new LinkedHashMap<>();
        for (ReconcilePlanner.VmView v : views) {
            VmState s = v.state().state();
            for (String h : new String[] {s.primary(), s.backup()}) {
                if (h != null) {
                    used.merge(h, v.spec().memoryMib(), Long::sum);
                }
            }
        }
        List<Map<String, Object>> hosts = new ArrayList<>();
        for (HostInfo h : live.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", h.hostId());
            m.put("console", h.address());
            m.put("admin", h.admin());
            m.put("zone", h.zone());
            m.put("tls", h.tls());
            m.put("capacityMib", h.capacityMib());
            m.put("usedMib", used.getOrDefault(h.hostId(), 0L));
            m.put("version", h.version());
            m.put("drained", drained.isDrained(h.hostId()));
            hosts.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cluster", cluster);
        out.put("servedBy", hostId);
        out.put("hosts", hosts);
        out.put("drained", this.hosts.drainedHosts());
        out.put("vms", summaries(true));
        return out;
    }

    private List<Map<String, Object>> summaries(boolean figures) {
        SortedMap<String, HostInfo> live = membership.liveHosts();
        List<ReconcilePlanner.VmView> views = catalog.views();
        Map<String, String> unplaced = planner.plan(live, Set.of(), Set.of(), drained.hosts(), views).unplaced();
        List<CompletableFuture<Map<String, Object>>> all = new ArrayList<>();
        for (ReconcilePlanner.VmView v : views) {
            all.add(summary(v, live, unplaced.get(v.vmId()), figures));
        }
        List<Map<String, Object>> out = new ArrayList<>();
        all.forEach(f -> out.add(f.join()));
        return out;
    }

    private Map<String, Object> describe(String vmId, boolean figures) {
        VmSpec spec = records.spec(vmId);
        VersionedState state = records.state(vmId);
        ReconcilePlanner.VmView view = new ReconcilePlanner.VmView(vmId, spec, state);
        SortedMap<String, HostInfo> live = membership.liveHosts();
        List<ReconcilePlanner.VmView> views = new ArrayList<>(catalog.views());
        views.removeIf(v -> v.vmId().equals(vmId));
        views.add(view);
        String unplaced = planner.plan(live, Set.of(), Set.of(), drained.hosts(), views).unplaced().get(vmId);
        return summary(view, live, unplaced, figures).join();
    }

    private CompletableFuture<Map<String, Object>> summary(ReconcilePlanner.VmView v, SortedMap<String, HostInfo> live,
            String unplaced, boolean figures) {
        VmState s = v.state().state();
        ProtectionStatus p = ProtectionStatus.of(v.spec(), s, live.keySet(), unplaced);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", v.vmId());
        m.put("image", v.spec().image());
        m.put("memoryMib", v.spec().memoryMib());
        m.put("faultTolerance", v.spec().protection().name());
        if (v.spec().linux() != null) {
            m.put("machine", VmMachines.view(v.spec().linux()));
        }
        m.put("status", s.status().name());
        m.put("protection", p.label());
        m.put("reasonCode", p.code());
        m.put("reason", p.reason());
        m.put("epoch", s.epoch());
        m.put("primary", s.primary());
        m.put("primarySince", s.primarySince());
        m.put("backup", s.backup());
        m.put("backupSince", s.backupSince());
        m.put("lastChange", s.reason());
        if (!figures) {
            return CompletableFuture.completedFuture(m);
        }
        CompletableFuture<Optional<Map<String, Object>>> pf = figuresOf(v.vmId(), s.primary(), live);
        CompletableFuture<Optional<Map<String, Object>>> bf = figuresOf(v.vmId(), s.backup(), live);
        return pf.thenCombine(bf, (pr, br) -> {
            pr.ifPresent(f -> m.put("primaryHost", f));
            br.ifPresent(f -> m.put("backupHost", f));
            return m;
        });
    }

    private CompletableFuture<Optional<Map<String, Object>>> figuresOf(String vmId, String host,
            SortedMap<String, HostInfo> live) {
        if (host == null) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        if (host.equals(hostId)) {
            return CompletableFuture.completedFuture(local.figures(vmId));
        }
        HostInfo h = live.get(host);
        if (h == null || h.admin() == null) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return peers.figures(h.admin(), vmId);
    }

    // ---------------------------------------------------------------- changing

    private Response create(byte[] body) {
        JsonNode n = json(body);
        String id = text(n, "id", true);
        String ft = n.hasNonNull("faultTolerance") ? text(n, "faultTolerance", true) : "PROTECTED";
        DesiredProtection protection = protection(ft);
        VmSpec spec;
        if (n.has("spec")) {
            // a Linux VM described by the YAML bin/ftvm run takes: its files are images in imageDir
            if (n.has("image") || n.has("memoryMib")) {
                throw new BadRequest("give either spec (a VM description) or image and memoryMib, not both");
            }
            try {
                spec = machines.specOf(text(n, "spec", true), protection);
            } catch (io.ftvm.vmm.spec.VmSpecException | VmImages.BadImageException e) {
                return Response.error(400, "BAD_SPEC", e.getMessage() + " (checked on " + hostId
                        + "; every host must resolve it the same way)");
            }
        } else {
            String image = text(n, "image", true);
            long memory = n.path("memoryMib").asLong(-1);
            if (!n.path("memoryMib").isIntegralNumber() || memory < 1 || memory > 1 << 20) {
                throw new BadRequest("memoryMib must be an integer from 1 to 1048576");
            }
            try {
                machines.images().check(image);
            } catch (VmImages.BadImageException e) {
                return Response.error(400, "BAD_IMAGE", e.getMessage() + " (checked on " + hostId
                        + "; every host must resolve it the same way)");
            }
            try {
                spec = new VmSpec(image, memory, List.of("console"), protection);
            } catch (IllegalArgumentException e) {
                throw new BadRequest(e.getMessage());
            }
        }
        try {
            records.create(id, spec);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(e.getMessage());
        }
        LOG.info("VM {} created: {}", id, spec);
        return Response.json(201, describe(id, false));
    }

    private Response delete(String vm) {
        VersionedState s = records.state(vm);
        if (!records.delete(s)) {
            return Response.error(409, "CONCURRENT_CHANGE", "VM " + vm + " changed meanwhile; try again");
        }
        return Response.json(200, Map.of("deleted", vm));
    }

    private Response start(String vm, JsonNode n) {
        VersionedState s = records.state(vm);
        VmSpec spec = records.spec(vm);
        if (s.state().status().running()) {
            return Response.error(409, "ALREADY_RUNNING", "VM " + vm + " is already running on "
                    + s.state().primary());
        }
        SortedMap<String, HostInfo> live = membership.liveHosts();
        Map<String, Long> free = freeMemory(live);
        if (spec.needsBridge()) {
            free.keySet().removeIf(h -> !live.get(h).bridge()); // a bridged NIC runs only where there is a bridge
        }
        String asked = n.hasNonNull("host") ? text(n, "host", true) : null;
        if (asked != null && drained.isDrained(asked)) {
            return Response.error(409, "HOST_DRAINED", "host " + asked + " is drained (ftctl host undrain " + asked
                    + " lifts it); start VM " + vm + " elsewhere");
        }
        free.keySet().removeAll(drained.hosts()); // a drained host takes no new role
        String host = asked != null ? asked : mostFree(free);
        if (host == null) {
            return spec.needsBridge() && !live.isEmpty()
                    ? Response.error(409, "NO_BRIDGE", "no live host offers a bridge for VM " + vm + "'s NIC (set "
                            + "bridge in their ftd.yaml)")
                    : Response.error(409, "NO_HOST", "no live host to start VM " + vm + " on");
        }
        if (!live.containsKey(host)) {
            return Response.error(409, "HOST_NOT_LIVE", "host '" + host + "' is not live (live: " + live.keySet()
                    + ")");
        }
        if (!free.containsKey(host)) {
            return Response.error(409, "NO_BRIDGE", "host " + host + " offers no bridge for VM " + vm
                    + "'s NIC (set bridge in its ftd.yaml)");
        }
        if (free.get(host) < spec.memoryMib()) {
            return Response.error(409, "NO_CAPACITY", "host " + host + " has " + free.get(host) + " MiB free, VM "
                    + vm + " needs " + spec.memoryMib() + " MiB");
        }
        return outcome(vm, records.transition(s, new Transition.Start(host)));
    }

    private Response stop(String vm) {
        VersionedState s = records.state(vm);
        if (!s.state().status().running()) {
            return Response.json(200, describe(vm, false));
        }
        return outcome(vm, records.transition(s, new Transition.Stop("stopped by an operator")));
    }

    private Response outcome(String vm, TransitionOutcome o) {
        if (!o.won()) {
            return Response.error(409, "CONCURRENT_CHANGE", "VM " + vm + " changed meanwhile (now "
                    + o.state().state() + "); try again");
        }
        return Response.json(200, describe(vm, false));
    }

    private Response faultTolerance(String vm, JsonNode n) {
        String action = text(n, "action", true);
        DesiredProtection p = switch (action) {
            case "on", "resume" -> DesiredProtection.PROTECTED;
            case "off" -> DesiredProtection.NONE;
            case "suspend" -> DesiredProtection.SUSPENDED;
            default -> throw new BadRequest("action must be on, off, suspend or resume, was '" + action + "'");
        };
        VmSpec current = records.spec(vm);
        if (action.equals("resume") && current.protection() != DesiredProtection.SUSPENDED) {
            return Response.error(409, "NOT_SUSPENDED", "fault tolerance of VM " + vm + " is "
                    + current.protection() + ", not suspended");
        }
        if (action.equals("suspend") && current.protection() == DesiredProtection.NONE) {
            return Response.error(409, "FT_OFF", "fault tolerance of VM " + vm + " is off: nothing to suspend");
        }
        records.setProtection(vm, p);
        LOG.info("VM {}: fault tolerance {} ({})", vm, action, p);
        return Response.json(200, describe(vm, false));
    }

    /** Each live host's capacity minus the memory of the primaries and backups it holds. */
    private Map<String, Long> freeMemory(SortedMap<String, HostInfo> live) {
        Map<String, Long> free = new LinkedHashMap<>();
        live.forEach((id, h) -> free.put(id, h.capacityMib()));
        for (ReconcilePlanner.VmView v : catalog.views()) {
            VmState s = v.state().state();
            for (String h : new String[] {s.primary(), s.backup()}) {
                if (h != null && free.containsKey(h)) {
                    free.merge(h, -v.spec().memoryMib(), Long::sum);
                }
            }
        }
        return free;
    }

    /** The host with the most free memory (the first by id among equals), or null when none is live. */
    private static String mostFree(Map<String, Long> free) {
        String best = null;
        for (Map.Entry<String, Long> e : free.entrySet()) {
            if (best == null || e.getValue() > free.get(best)) {
                best = e.getKey();
            }
        }
        return best;
    }

    private static DesiredProtection protection(String s) {
        try {
            return DesiredProtection.valueOf(s.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadRequest("faultTolerance must be PROTECTED, NONE or SUSPENDED, was '" + s + "'");
        }
    }

    // ---------------------------------------------------------------- request parsing

    private static JsonNode json(byte[] body) {
        if (body.length == 0) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode n = JSON.readTree(body);
            if (n == null || !n.isObject()) {
                throw new BadRequest("the request body must be a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new BadRequest("the request body is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static String text(JsonNode n, String field, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new BadRequest("missing field '" + field + "'");
            }
            return null;
        }
        if (!v.isTextual() || v.textValue().isBlank()) {
            throw new BadRequest("field '" + field + "' must be a non-empty string");
        }
        return v.textValue();
    }

    /** A request the API cannot act on; the message names the problem. */
    static final class BadRequest extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message);
        }
    }
}
