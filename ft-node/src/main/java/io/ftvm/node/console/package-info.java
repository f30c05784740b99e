/**
 * The console endpoint of a VM: a strict, length-prefixed binary protocol ({@code docs/console-protocol.md}) that
 * streams released console output by absolute byte offset and carries console input numbered by stream offset, so
 * a client that reconnects after a failover resumes with nothing lost and nothing repeated, and its input is
 * delivered exactly once.
 *
 * <p>Server side: {@link io.ftvm.node.console.ConsoleServer} (bootstrap), {@link
 * io.ftvm.node.console.ConsoleServerInitializer} (pipeline), {@link io.ftvm.node.console.ConsoleServerHandler} (one
 * connection), serving any number of VMs, each through a {@link io.ftvm.node.console.ConsoleBackend} attached and
 * detached at runtime as roles change. Client side: {@link io.ftvm.node.console.ConsoleClient} (endpoint list,
 * redirects, bounded reconnect backoff, resume and resend) and the interactive {@link
 * io.ftvm.node.console.ConsoleMain}. The wire format lives in {@link io.ftvm.node.console.ConsoleCodec} only.
 *
 * <p>Must not know how a VM runs, how roles are decided or how input is replicated: that is behind {@link
 * io.ftvm.node.console.ConsoleBackend}.
 */
package io.ftvm.node.console;
