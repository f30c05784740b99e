/** The platform-level interrupt controller ({@link io.ftvm.vmm.devices.plic.Plic}) of QEMU's virt machine. */
package io.ftvm.vmm.devices.plic;
