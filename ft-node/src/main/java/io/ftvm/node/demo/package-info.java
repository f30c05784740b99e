/**
 * A local cluster for demonstrations and tests: ZooKeeper's embedded server and ftd processes on this machine,
 * and {@code ftctl demo}, a protected VM you can fail over from the keyboard.
 */
package io.ftvm.node.demo;
