/**
 * The system under test as processes on this machine: {@link io.ftvm.chaos.cluster.ZooKeeperEnsemble} (three
 * {@code QuorumPeerMain} processes), {@link io.ftvm.chaos.cluster.FtdHost} (one ftd process each), the
 * {@link io.ftvm.chaos.cluster.ProcessReaper} that never leaves a child behind (stopped or running), the
 * {@link io.ftvm.chaos.cluster.Topology} they live on — {@link io.ftvm.chaos.cluster.NamespaceNetwork} (a network
 * namespace per host, with a {@link io.ftvm.chaos.cluster.Firewall} for partitions and packet loss) or
 * {@link io.ftvm.chaos.cluster.LoopbackTopology} — and the {@link io.ftvm.chaos.cluster.RelayFabric}: every host
 * advertises an address where the harness relays to where it listens, so all console, admin and replication traffic
 * between processes crosses a relay whose latency a nemesis can set. It knows nothing of faults or checks.
 */
package io.ftvm.chaos.cluster;
