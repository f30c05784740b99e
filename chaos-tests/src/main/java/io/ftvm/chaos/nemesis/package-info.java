/**
 * Faults, injected one at a time and always healed: {@link io.ftvm.chaos.nemesis.FaultKind} names them,
 * {@link io.ftvm.chaos.nemesis.ProcessNemesis} (kill -9, SIGSTOP pauses, session expiry, slow backup),
 * {@link io.ftvm.chaos.nemesis.ZooKeeperNemesis} (leader kill) and {@link io.ftvm.chaos.nemesis.LatencyNemesis}
 * (relay latency) inject them, and {@link io.ftvm.chaos.nemesis.FaultScheduler} picks the next fault from a seeded
 * random source once every VM is protected again. Every fault and heal goes into the history. Network-namespace
 * partitions and packet loss are not used: this machine has no {@code iptables} and the suite runs the
 * process-level faults only.
 */
package io.ftvm.chaos.nemesis;
