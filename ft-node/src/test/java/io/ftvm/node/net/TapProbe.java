package io.ftvm.node.net;

/** Tries to prepare a guest NIC and prints what happened (run by {@code TapNetworkIT} without CAP_NET_ADMIN). */
public final class TapProbe {
    private TapProbe() {
    }

    public static void main(String[] args) {
        try (TapNetwork n = new HostNetwork("probe", args[0]).prepare("vm1", 0x525400000009L)) {
            System.out.println("created");
        } catch (NetworkSetupException e) {
            System.out.println("refused: " + e.getMessage());
        }
    }
}
