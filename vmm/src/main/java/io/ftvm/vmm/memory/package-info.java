/**
 * Guest physical memory: {@link io.ftvm.vmm.memory.Ram} (little-endian byte array with dirty-page tracking) and the
 * MMIO {@link io.ftvm.vmm.memory.Bus}. Knows nothing of CPUs or of what the devices do.
 */
package io.ftvm.vmm.memory;
