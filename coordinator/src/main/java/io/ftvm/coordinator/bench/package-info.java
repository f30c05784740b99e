/**
 * {@code bench/coordinator}: the takeover CAS latency, the placement of 1,000 VMs and a 100-VM failover storm, on an
 * in-process 3-server ZooKeeper ensemble ({@link io.ftvm.coordinator.bench.LocalEnsemble}). A benchmark, not a test:
 * it prints {@code key: value} figures and asserts nothing.
 */
package io.ftvm.coordinator.bench;
