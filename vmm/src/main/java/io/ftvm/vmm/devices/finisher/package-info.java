/** The SiFive test finisher: guest-driven power-off with a pass/fail status. */
package io.ftvm.vmm.devices.finisher;
