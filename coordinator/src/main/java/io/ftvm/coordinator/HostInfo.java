package io.ftvm.coordinator;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A host's registration ({@code .../hosts/<host>}, ephemeral): where its {@code ftd} listens, how much VM memory it
 * offers, which ftvm version it runs, and the failure domain it is in.
 *
 * @param hostId      unique name of the host in the cluster; also the znode name
 * @param address     {@code host:port} of its replication endpoint
 * @param capacityMib VM memory the host offers, shared by the primaries and backups placed on it
 * @param version     the ftvm version the host runs
 * @param admin       {@code host:port} of its admin endpoint (HTTP), or null when it has none
 * @param zone        the failure domain (rack, room, site) the host shares with others, or null when it is its own:
 *                    a backup is never placed in its primary's zone
 * @param tls         whether the host runs mutual TLS
 * @param bridge      whether the host offers a bridge for guest NICs ({@code backend: bridge}): VMs with such a NIC
 *                    are started and backed up only on hosts that do
 */
public record HostInfo(String hostId, String address, long capacityMib, String version, String admin, String zone,
        boolean tls, boolean bridge) {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    public HostInfo {
        checkHostId(hostId);
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(version, "version");
        if (address.isBlank()) {
            throw new IllegalArgumentException("address of host '" + hostId + "' must not be blank");
        }
        if (capacityMib < 0) {
            throw new IllegalArgumentException("capacityMib of host '" + hostId + "' must be >= 0, was " + capacityMib);
        }
        if (admin != null && admin.isBlank()) {
            throw new IllegalArgumentException("admin address of host '" + hostId + "' must not be blank");
        }
        if (zone != null) {
            checkId("zone of host '" + hostId + "'", zone);
        }
    }

    /** A host without a bridge for guest NICs. */
    public HostInfo(String hostId, String address, long capacityMib, String version, String admin, String zone,
            boolean tls) {
        this(hostId, address, capacityMib, version, admin, zone, tls, false);
    }

    /** A host that did not say whether it runs TLS (taken as not). */
    public HostInfo(String hostId, String address, long capacityMib, String version, String admin, String zone) {
        this(hostId, address, capacityMib, version, admin, zone, false);
    }

    /** A host in no shared failure domain. */
    public HostInfo(String hostId, String address, long capacityMib, String version, String admin) {
        this(hostId, address, capacityMib, version, admin, null, false);
    }

    /** A host without an admin endpoint, in no shared failure domain. */
    public HostInfo(String hostId, String address, long capacityMib, String version) {
        this(hostId, address, capacityMib, version, null, null, false);
    }

    /** Whether this host and {@code other} are in one failure domain (both have the same zone). */
    public boolean sharesZoneWith(HostInfo other) {
        return zone != null && other != null && zone.equals(other.zone);
    }

    /**
     * Host and VM ids are znode names: letters, digits, '.', '_' and '-', starting with a letter or digit, at most 128.
     */
    public static void checkHostId(String id) {
        checkId("host id", id);
    }

    static void checkId(String what, String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException(what + " '" + id
                    + "' is not valid: use letters, digits, '.', '_', '-' (starting with a letter or digit, at most 128)");
        }
    }
}
