/**
 * {@code bin/ftvm}, the single-host tool: run a guest image with its console on stdout (later also record, replay
 * and debug). Cluster operations belong to {@code ftctl}, not here.
 */
package io.ftvm.vmm.tool;
