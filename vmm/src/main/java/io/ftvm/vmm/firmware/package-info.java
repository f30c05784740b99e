/**
 * Firmware served by the VMM itself: {@link io.ftvm.vmm.firmware.BuiltinSbi} answers a supervisor-mode kernel's
 * SBI calls directly, so no M-mode firmware runs in the guest and no call costs two privilege switches. Its state
 * (the supervisor timer) is part of the machine's state like a device's.
 */
package io.ftvm.vmm.firmware;
