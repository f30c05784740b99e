/**
 * {@code ftctl console}: the interactive terminal client of a VM's console (raw terminal mode, the Ctrl-] escape,
 * connection notes on stderr), on top of {@code io.ftvm.replication.console.ConsoleClient}.
 */
package io.ftvm.cli.console;
