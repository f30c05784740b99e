package io.ftvm.vmm.board;

/**
 * One virtio-mmio slot's device, as part of a {@link MachineConfig}: its kind and what the guest can see of it (a
 * disk's writability, a NIC's MAC address and whether its link is up). Host resources (the disk image file, the
 * network a NIC is attached to) are attached separately ({@link Attachments}), so a snapshot taken on one host
 * restores on another whose image has the same content at a different path.
 */
public record VirtioSpec(Kind kind, boolean readOnly, long mac, boolean linkUp) {

    /** The device kinds the board offers. */
    public enum Kind {
        BLOCK,
        ENTROPY,
        NET
    }

    public VirtioSpec {
        if (kind == null) {
            throw new IllegalArgumentException("a virtio device needs a kind");
        }
        if (readOnly && kind != Kind.BLOCK) {
            throw new IllegalArgumentException("only a disk can be read-only");
        }
        if (kind != Kind.NET && (mac != 0 || linkUp)) {
            throw new IllegalArgumentException("only a NIC has a MAC address and a link");
        }
        if (kind == Kind.NET && (mac < 0 || mac >= 1L << 48 || (mac & (1L << 40)) != 0 || mac == 0)) {
            throw new IllegalArgumentException(String.format("MAC address %s is not a non-zero unicast address",
                    macString(mac)));
        }
    }

    public static VirtioSpec disk(boolean readOnly) {
        return new VirtioSpec(Kind.BLOCK, readOnly, 0, false);
    }

    public static VirtioSpec entropy() {
        return new VirtioSpec(Kind.ENTROPY, false, 0, false);
    }

    public static VirtioSpec nic(long mac, boolean linkUp) {
        return new VirtioSpec(Kind.NET, false, mac, linkUp);
    }

    /**
     * Parses {@code aa:bb:cc:dd:ee:ff}.
     *
     * @throws IllegalArgumentException naming the text when it is not a MAC address
     */
    public static long parseMac(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length != 6) {
            throw new IllegalArgumentException("'" + text + "' is not a MAC address (six hex bytes: 52:54:00:12:34:56)");
        }
        long mac = 0;
        for (String p : parts) {
            if (p.length() != 2 || Character.digit(p.charAt(0), 16) < 0 || Character.digit(p.charAt(1), 16) < 0) {
                throw new IllegalArgumentException("'" + text + "' is not a MAC address (six hex bytes: "
                        + "52:54:00:12:34:56)");
            }
            mac = (mac << 8) | Integer.parseInt(p, 16);
        }
        return mac;
    }

    public static String macString(long mac) {
        StringBuilder b = new StringBuilder();
        for (int i = 5; i >= 0; i--) {
            b.append(String.format("%02x", (mac >>> (8 * i)) & 0xff));
            if (i > 0) {
                b.append(':');
            }
        }
        return b.toString();
    }
}
