/**
 * ftd's admin endpoint: an HTTP server behind a bearer token ({@code AdminServer}) serving {@code /health},
 * {@code /metrics} (Prometheus text) and the operations API under {@code /v1} ({@code AdminApi}; its routes are in
 * {@code docs/operations.md}), and how a VM's protection reads to operators ({@code ProtectionStatus}). It knows
 * HTTP and JSON; what the routes do is the daemon's ({@code io.ftvm.node.daemon.OperationsApi}).
 */
package io.ftvm.node.admin;
