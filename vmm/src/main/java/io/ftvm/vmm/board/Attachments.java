package io.ftvm.vmm.board;

import io.ftvm.vmm.devices.virtio.DiskImage;
import java.util.List;

/**
 * The host resources a machine's virtio devices use: one opened {@link DiskImage} per disk of the configuration, in
 * order. The machine does not own them; whoever opened them closes them.
 */
public record Attachments(List<DiskImage> disks) {
    public static final Attachments NONE = new Attachments(List.of());

    public Attachments {
        disks = List.copyOf(disks);
    }
}
