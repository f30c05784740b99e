/**
 * ftvm's deterministic virtual machine monitor: an RV64IMAC hart ({@code cpu}), guest memory ({@code memory}),
 * devices ({@code devices}), the board that wires them to QEMU's {@code virt} memory map ({@code board}) and the
 * single-host launcher {@code bin/ftvm} ({@code tool}).
 *
 * <p>Owns: everything the guest can observe, as a pure function of the image, the instruction count and the inputs
 * delivered to it. Must not know about networks, ZooKeeper, replication or threads beyond its own run loop.
 */
package io.ftvm.vmm;
