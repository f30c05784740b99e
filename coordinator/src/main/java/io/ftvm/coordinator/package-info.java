/**
 * ftvm's cluster state on ZooKeeper, through Apache Curator: the connection and what its states mean for the roles
 * ({@link io.ftvm.coordinator.CoordinatorClient}, {@link io.ftvm.coordinator.ConnectionMonitor}), the host registry
 * ({@link io.ftvm.coordinator.HostRegistry}, {@link io.ftvm.coordinator.HostMembership}), VM records changed only by
 * versioned compare-and-set with an epoch that every transition increments
 * ({@link io.ftvm.coordinator.Transitions} as a pure function, {@link io.ftvm.coordinator.VmRecords} as the store,
 * {@link io.ftvm.coordinator.FencingWatch} telling a stale holder to halt), and the cluster manager that places
 * backups ({@link io.ftvm.coordinator.ClusterManager} over a {@link io.ftvm.coordinator.VmCatalog}, with the pure
 * {@link io.ftvm.coordinator.PlacementPolicy} and {@link io.ftvm.coordinator.ReconcilePlanner}).
 *
 * <p>It knows nothing of how a VM runs: the roles in ft-primary and ft-backup call it to change roles and to learn
 * that they are fenced. Records are JSON with a {@code format} number ({@link io.ftvm.coordinator.RecordCodec});
 * every ftvm znode carries a digest ACL ({@link io.ftvm.coordinator.FtvmAcls}); with
 * {@link io.ftvm.coordinator.ZooKeeperTls} the connection is mutual TLS, set per client, never by system properties.
 */
package io.ftvm.coordinator;
