/**
 * {@code ftctl}, the operator's command line: cluster status, VM lifecycle, fault tolerance on/off/suspend/resume,
 * failover drills, the VM console and recordings. It talks to ftd's admin API only (HTTP + JSON, bearer token),
 * through any host of the cluster; see {@code docs/operations.md}.
 */
package io.ftvm.cli;
