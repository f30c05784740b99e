/**
 * Chaos tests: real processes (a 3-server ZooKeeper ensemble and ftd hosts), injected faults, client workers that
 * record what they saw in a history, and a checker that reads the history. {@code cluster} starts and signals the
 * processes and relays their traffic; {@code workload} drives the kvstore guests and records; {@code nemesis}
 * injects faults; {@code check} judges a history; {@code run} ties them together. Nothing here is used by the
 * product; it only talks to it the way operators and clients do (processes, ZooKeeper records, console, admin API).
 */
package io.ftvm.chaos;
