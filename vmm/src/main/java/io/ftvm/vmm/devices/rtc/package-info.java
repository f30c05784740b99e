/** The Goldfish RTC: wall-clock time as the logged boot time plus deterministic virtual time. */
package io.ftvm.vmm.devices.rtc;
