/**
 * The console protocol ({@code docs/console-protocol.md}) shared by both ends, and its client: a strict,
 * length-prefixed binary protocol that streams a VM's released console output by absolute byte offset and carries
 * console input numbered by stream offset, so a client that reconnects after a failover resumes with nothing lost
 * and nothing repeated, and its input is delivered exactly once.
 *
 * <p>Shared: the messages ({@link io.ftvm.replication.console.ConsoleMessage}), the wire format, which lives in
 * {@link io.ftvm.replication.console.ConsoleCodec} only, the pipeline both ends install ({@link
 * io.ftvm.replication.console.ConsoleFraming}: framing, keepalive, the violation guard), errors and endpoints.
 * Client: {@link io.ftvm.replication.console.ConsoleClient} (endpoint list, redirects, bounded reconnect backoff,
 * resume and resend), configured by {@link io.ftvm.replication.console.ConsoleClientConfig}, and {@link
 * io.ftvm.replication.console.EscapeDetector} for interactive front ends. The server ({@code ConsoleServer}) lives in
 * ft-node ({@code io.ftvm.node.console}); {@code ftctl} and ft-node's tools use the client from here.
 *
 * <p>Must not know how a VM runs, how roles are decided or how input is replicated, nor about terminals or command
 * lines: it carries opaque console bytes.
 */
package io.ftvm.replication.console;
