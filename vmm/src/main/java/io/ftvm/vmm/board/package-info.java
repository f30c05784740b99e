/**
 * The machine as a whole: {@link io.ftvm.vmm.board.Machine} built from a {@link io.ftvm.vmm.board.MachineConfig},
 * the QEMU-virt-compatible {@link io.ftvm.vmm.board.MemoryMap}, virtual time derived from the instruction count,
 * and the ELF loader with its validation.
 */
package io.ftvm.vmm.board;
