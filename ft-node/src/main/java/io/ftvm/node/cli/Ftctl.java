package io.ftvm.node.cli;

import io.ftvm.node.console.ConsoleMain;
import io.ftvm.node.demo.Demo;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ftctl}: cluster operations. */
@Command(name = "ftctl", mixinStandardHelpOptions = true, version = "ftctl 0.1",
        description = "ftvm cluster operations.", subcommands = CommandLine.HelpCommand.class)
public final class Ftctl implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    /** The command line with every subcommand. */
    public static CommandLine commandLine() {
        return new CommandLine(new Ftctl()).addSubcommand("demo", new Demo())
                .addSubcommand("console", new ConsoleMain(System.in, System.out, System.err));
    }

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        System.exit(code);
    }
}
