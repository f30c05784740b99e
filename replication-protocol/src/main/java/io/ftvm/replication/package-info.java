/**
 * The replication log stream between a primary and its backup: the wire schema ({@code replication.proto}, mapped to
 * immutable records in exactly one place, {@link io.ftvm.replication.WireMapper}), framing, strict decoding and
 * optional mutual TLS on Netty ({@link io.ftvm.replication.Framing}, {@link io.ftvm.replication.TlsConfig}), the
 * sender and receiver logs with ACKs, heartbeats and flow control ({@link io.ftvm.replication.SenderLog},
 * {@link io.ftvm.replication.ReceiverLog}), the per-connection handshake rules (protocol version, cluster, VM, epoch)
 * and snapshot transfer with resume. Carries log entries as opaque typed records; knows nothing of VM internals.
 * The console protocol's shared parts and client are in {@code io.ftvm.replication.console}.
 */
package io.ftvm.replication;
