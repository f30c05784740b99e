/** The NS16550A console UART. */
package io.ftvm.vmm.devices.uart;
