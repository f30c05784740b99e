package io.ftvm.vmm.board;

/**
 * One virtio-mmio slot's device, as part of a {@link MachineConfig}: its kind and, for a disk, whether the guest
 * may write it. Host resources (the disk image file) are attached separately ({@link Attachments}), so a snapshot
 * taken on one host restores on another whose image has the same content at a different path.
 */
public record VirtioSpec(Kind kind, boolean readOnly) {

    /** The device kinds the board offers. */
    public enum Kind {
        BLOCK,
        ENTROPY
    }

    public VirtioSpec {
        if (kind == null) {
            throw new IllegalArgumentException("a virtio device needs a kind");
        }
        if (readOnly && kind != Kind.BLOCK) {
            throw new IllegalArgumentException("only a disk can be read-only");
        }
    }

    public static VirtioSpec disk(boolean readOnly) {
        return new VirtioSpec(Kind.BLOCK, readOnly);
    }

    public static VirtioSpec entropy() {
        return new VirtioSpec(Kind.ENTROPY, false);
    }
}
