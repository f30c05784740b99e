/**
 * The console endpoint of a VM, server side: ftd serves the console protocol ({@code docs/console-protocol.md})
 * that streams released console output by absolute byte offset and carries console input numbered by stream offset,
 * so a client that reconnects after a failover resumes with nothing lost and nothing repeated, and its input is
 * delivered exactly once.
 *
 * <p>{@link io.ftvm.node.console.ConsoleServer} (bootstrap), {@link io.ftvm.node.console.ConsoleServerInitializer}
 * (pipeline), {@link io.ftvm.node.console.ConsoleServerHandler} (one connection), serving any number of VMs, each
 * through a {@link io.ftvm.node.console.ConsoleBackend} attached and detached at runtime as roles change. Also the
 * interactive terminal client {@link io.ftvm.node.console.ConsoleMain}. The messages, the wire format, the shared
 * pipeline and the client library live in replication-protocol's {@link io.ftvm.replication.console} (used by
 * {@code ftctl} too, which must not depend on ft-node).
 *
 * <p>Must not know how a VM runs, how roles are decided or how input is replicated: that is behind {@link
 * io.ftvm.node.console.ConsoleBackend}.
 */
package io.ftvm.node.console;
