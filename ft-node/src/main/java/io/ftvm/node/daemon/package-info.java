/**
 * ftd, the host daemon: one YAML config, registration in ZooKeeper, the cluster-manager election, and per VM the
 * roles its record names for this host ({@link io.ftvm.node.daemon.VmInstance}), with the VM's console served here
 * or redirected to its primary. Role changes go through ZooKeeper ({@link io.ftvm.node.daemon.ZkAuthority}).
 */
package io.ftvm.node.daemon;
