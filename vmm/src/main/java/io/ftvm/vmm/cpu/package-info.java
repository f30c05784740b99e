/**
 * The RV64IMAC + Zicsr + Zifencei hart with M/S/U modes and Sv39: decode ({@link io.ftvm.vmm.cpu.Decoder},
 * {@link io.ftvm.vmm.cpu.CompressedDecoder}) is separate from execution ({@link io.ftvm.vmm.cpu.Cpu},
 * {@link io.ftvm.vmm.cpu.SystemUnit}); CSRs live in {@link io.ftvm.vmm.cpu.CsrFile}; translation and every memory
 * access in {@link io.ftvm.vmm.cpu.Mmu}. Traps are thrown as {@link io.ftvm.vmm.cpu.Trap} and handled in the step
 * loop only. The hot loop allocates nothing. Knows nothing of devices beyond the physical bus.
 */
package io.ftvm.vmm.cpu;
