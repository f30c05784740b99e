/** The command-line entry points of the node module: {@code ftctl} (cluster operations: demo, console). */
package io.ftvm.node.cli;
