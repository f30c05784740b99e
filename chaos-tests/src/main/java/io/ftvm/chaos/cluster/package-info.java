/**
 * The system under test as processes on this machine: {@link io.ftvm.chaos.cluster.ZooKeeperEnsemble} (three
 * {@code QuorumPeerMain} processes), {@link io.ftvm.chaos.cluster.FtdHost} (one ftd process each), the
 * {@link io.ftvm.chaos.cluster.ProcessReaper} that never leaves a child behind (stopped or running), and the
 * {@link io.ftvm.chaos.cluster.RelayFabric}: every host advertises {@code 127.0.0.2} while it listens on
 * {@code 127.0.0.1}, so all console and replication traffic between processes crosses a relay whose latency a nemesis
 * can set. It knows nothing of faults or checks.
 */
package io.ftvm.chaos.cluster;
