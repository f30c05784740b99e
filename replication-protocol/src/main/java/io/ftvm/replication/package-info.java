/**
 * The replication log stream between a primary and its backup: the wire schema ({@code replication.proto}, mapped to
 * immutable records in exactly one place, {@link io.ftvm.replication.WireMapper}), framing and strict decoding on
 * Netty ({@link io.ftvm.replication.Framing}). Carries log entries as opaque typed records; knows nothing of VM
 * internals. Work in progress: sender/receiver API, handshake checks, heartbeats, TLS and snapshot transfer come
 * next (see issue "replication-protocol").
 */
package io.ftvm.replication;
