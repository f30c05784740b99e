/**
 * ftd's admin endpoint: an HTTP(S) server on Netty ({@code AdminServer} bootstrap, {@code AdminServerInitializer}
 * pipeline, {@code AdminServerHandler} per connection) serving {@code /health} (liveness without a token, details
 * with it), {@code /metrics} (Prometheus text) and the operations API under {@code /v1} ({@code AdminApi}; its routes
 * are in {@code docs/operations.md}) behind a bearer token, hardened against slow and abusive clients
 * ({@code AdminServerConfig}: read, idle and write timeouts, connection and size limits, bounded worker pools off the
 * event loop; {@code RequestTimer}, {@code RefusalLog}), and how a VM's protection reads to operators
 * ({@code ProtectionStatus}). It knows HTTP and JSON; what the routes do is the daemon's
 * ({@code io.ftvm.node.daemon.OperationsApi}).
 */
package io.ftvm.node.admin;
