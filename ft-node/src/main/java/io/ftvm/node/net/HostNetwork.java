package io.ftvm.node.net;

/**
 * This host's network for guest NICs: the bridge its ftd.yaml names, and TAP devices on it named per (host, VM).
 * libc is loaded (through JNA) on first use and kept, so no takeover pays for loading it.
 */
public final class HostNetwork {
    private final String hostId;
    private final String bridge;
    private LibC libc;

    /** @param bridge the bridge guest NICs go on, or null when this host offers none */
    public HostNetwork(String hostId, String bridge) {
        this.hostId = hostId;
        this.bridge = bridge;
    }

    public String bridge() {
        return bridge;
    }

    private synchronized LibC libc() throws NetworkSetupException {
        if (libc == null) {
            try {
                libc = LibC.load();
            } catch (UnsatisfiedLinkError e) {
                throw new NetworkSetupException("cannot load libc through JNA: " + e.getMessage());
            }
        }
        return libc;
    }

    /** Loads libc now (at start-up), so that the first NIC is attached without delay; false when it cannot be. */
    public boolean warmUp() {
        try {
            libc();
            return true;
        } catch (NetworkSetupException e) {
            return false;
        }
    }

    private void requireBridge(String vmId) throws NetworkSetupException {
        if (bridge == null) {
            throw new NetworkSetupException("VM " + vmId + "'s NIC is on a bridge but host " + hostId
                    + " names none (set bridge in its ftd.yaml)");
        }
    }

    /** The guest NIC of {@code vmId} with {@code mac}, on the bridge and receiving (a primary's). */
    public TapNetwork open(String vmId, long mac) throws NetworkSetupException {
        requireBridge(vmId);
        return TapNetwork.open(libc(), vmId, TapNetwork.tapName(hostId, vmId), bridge, mac);
    }

    /**
     * The guest NIC of {@code vmId}, created but attached to nothing (a backup's, attached by
     * {@link TapNetwork#attach} when it goes live). Fails now, not at the takeover, when the host cannot offer it.
     */
    public TapNetwork prepare(String vmId, long mac) throws NetworkSetupException {
        requireBridge(vmId);
        if (!java.nio.file.Files.isDirectory(java.nio.file.Path.of("/sys/class/net", bridge, "bridge"))) {
            throw new NetworkSetupException("bridge '" + bridge + "' does not exist on host " + hostId);
        }
        return TapNetwork.prepare(libc(), vmId, TapNetwork.tapName(hostId, vmId), mac);
    }
}
