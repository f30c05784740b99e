package io.ftvm.vmm.tool;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code bin/ftvm}. */
@Command(name = "ftvm", mixinStandardHelpOptions = true, versionProvider = Ftvm.Version.class,
        description = "The ftvm single-host VMM: run guest images on the deterministic RV64 machine.",
        subcommands = {RunCommand.class, ReplayCommand.class, DebugCommand.class, BenchCommand.class,
            ReplayBenchCommand.class, DebugBenchCommand.class,
            DumpDtbCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the guest powered off with status pass",
            "1-255:the guest's failure code (finisher) modulo 256, 1 if that is 0; the full code is on stderr",
            "2:invalid command line",
            "3:the image or recording could not be loaded (the message names the problem)",
            "4:the guest ran but --signature could not be written",
            "5:replay diverged from the recording (the message says where)",
            "6:an output file (the recording, the DTB) could not be written",
            "124:the instruction limit was reached",
            "125:the guest is stuck (WFI with no way to wake up, endless traps) or requested a reset"})
public final class Ftvm {
    private Ftvm() {
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (tests call this instead of main). */
    public static int execute(String... args) {
        return new CommandLine(new Ftvm()).execute(args);
    }

    /** The build's version ({@link io.ftvm.vmm.BuildInfo}). */
    static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"ftvm " + io.ftvm.vmm.BuildInfo.version()};
        }
    }
}
