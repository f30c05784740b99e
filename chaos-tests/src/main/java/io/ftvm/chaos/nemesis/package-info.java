/**
 * Faults, injected one at a time and always healed: {@link io.ftvm.chaos.nemesis.FaultKind} names them,
 * {@link io.ftvm.chaos.nemesis.ProcessNemesis} (kill -9, SIGSTOP pauses, session expiry, slow backup),
 * {@link io.ftvm.chaos.nemesis.ZooKeeperNemesis} (leader kill), {@link io.ftvm.chaos.nemesis.LatencyNemesis}
 * (relay latency) and {@link io.ftvm.chaos.nemesis.NetworkNemesis} (partitions between a VM's hosts, from ZooKeeper,
 * an isolated primary, packet loss; only on a namespace network) inject them, and
 * {@link io.ftvm.chaos.nemesis.FaultScheduler} picks the next fault from a seeded random source once every VM is
 * protected again. Every fault and heal goes into the history.
 */
package io.ftvm.chaos.nemesis;
