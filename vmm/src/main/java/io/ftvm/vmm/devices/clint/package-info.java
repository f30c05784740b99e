/** The CLINT: machine software and timer interrupts over virtual time. */
package io.ftvm.vmm.devices.clint;
