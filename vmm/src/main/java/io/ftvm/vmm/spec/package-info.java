/**
 * The VM description file: one YAML document naming a Linux machine (kernel, initrd, command line, RAM, firmware,
 * disks, NICs), read strictly by {@link io.ftvm.vmm.spec.VmSpecLoader} into a {@link io.ftvm.vmm.spec.VmSpec}.
 * {@code ftvm run VM.yaml} boots it; the cluster takes the same file for a protected VM.
 */
package io.ftvm.vmm.spec;
