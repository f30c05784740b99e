/**
 * ftd, the host daemon: one YAML config (read strictly by {@link io.ftvm.node.daemon.NodeConfigLoader}; any problem
 * is one line and exit code 2), registration in ZooKeeper, the cluster-manager election, and per VM the
 * roles its record names for this host ({@link io.ftvm.node.daemon.VmInstance}), with the VM's console served here
 * or redirected to its primary. VM images are built-in guests or files inside the host's imageDir
 * ({@link io.ftvm.node.daemon.VmImages}). Role changes go through ZooKeeper ({@link io.ftvm.node.daemon.ZkAuthority}).
 */
package io.ftvm.node.daemon;
