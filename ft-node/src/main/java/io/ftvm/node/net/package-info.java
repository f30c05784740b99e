/**
 * Host networking for protected VMs: TAP devices (through JNA) attached to a bridge, feeding a primary's guest NIC.
 */
package io.ftvm.node.net;
