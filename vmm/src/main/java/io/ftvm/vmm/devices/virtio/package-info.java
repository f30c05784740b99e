/**
 * virtio over MMIO (virtio 1.2, the version 2 "modern" register layout) with split virtqueues: the transport
 * ({@link io.ftvm.vmm.devices.virtio.VirtioMmio}), the ring walker ({@link io.ftvm.vmm.devices.virtio.VirtQueue})
 * and the devices: block ({@link io.ftvm.vmm.devices.virtio.BlockDevice} over a
 * {@link io.ftvm.vmm.devices.virtio.DiskImage}) and entropy ({@link io.ftvm.vmm.devices.virtio.EntropyDevice}).
 *
 * <p>Requests complete while the driver's notify write executes: a fixed virtual delay of zero instructions, so record
 * and replay complete every request at the same instruction. A queue the guest programs badly (rings outside RAM,
 * a descriptor loop, a chain longer than the queue) puts the device into {@code DEVICE_NEEDS_RESET} with a
 * configuration-change interrupt; the VMM never throws for it and never touches memory outside RAM.
 */
package io.ftvm.vmm.devices.virtio;
