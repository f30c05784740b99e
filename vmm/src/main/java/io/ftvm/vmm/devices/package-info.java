/**
 * Devices of the board. Each is pure logic behind {@link io.ftvm.vmm.memory.MmioDevice}: no host time, no
 * threads, no printing; side effects leave through small interfaces ({@link io.ftvm.vmm.devices.InterruptLine},
 * output sinks) so that the same inputs always give the same guest-visible behaviour.
 */
package io.ftvm.vmm.devices;
