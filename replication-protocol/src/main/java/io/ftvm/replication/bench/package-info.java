/**
 * {@code bench/replication}: the log stream's throughput and ACK round trip over loopback, plain and with mutual TLS,
 * both ends in one JVM. A benchmark, not a test: it prints {@code key: value} figures and asserts nothing.
 */
package io.ftvm.replication.bench;
