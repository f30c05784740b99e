package io.ftvm.node.daemon;

import io.ftvm.coordinator.CoordinatorException;
import io.ftvm.replication.TlsConfig;
import io.ftvm.vmm.replay.WallClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ftd}: the ftvm host daemon. Runs until it is terminated (SIGTERM / Ctrl-C stop it cleanly). */
@Command(name = "ftd", mixinStandardHelpOptions = true, versionProvider = Ftd.Version.class,
        description = "The ftvm host daemon: registers this host, runs the VM roles ZooKeeper assigns to it and "
                + "serves their consoles.",
        exitCodeListHeading = "%nExit codes (every failure is one line on stderr):%n",
        exitCodeList = {"0:stopped by a signal", "1:an unexpected error at start (the line says which)",
            "2:bad arguments or configuration (do not restart: fix the config)",
            "3:ZooKeeper refused or unreachable at start",
            "4:an I/O error at start (data or image directory, an address or port that cannot be bound)"})
public final class Ftd implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(Ftd.class);

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "the host's YAML config")
    private Path config;

    @Override
    public Integer call() throws Exception {
        NodeConfig c;
        try {
            c = new NodeConfigLoader().load(config);
        } catch (NodeConfig.InvalidConfigException e) {
            return fail(2, e.getMessage(), e);
        }
        HostDaemon daemon = new HostDaemon(c, WallClock.SYSTEM);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            daemon.close();
            stopped.countDown();
        }, "ftd-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int code;
        try {
            daemon.start();
            stopped.await();
            return 0;
        } catch (NodeConfig.InvalidConfigException | TlsConfig.TlsConfigException e) {
            code = fail(2, "config " + config + ": " + e.getMessage(), e);
        } catch (CoordinatorException e) {
            code = fail(3, e.getMessage(), e);
        } catch (IOException | UncheckedIOException e) {
            code = fail(4, e.getMessage(), e);
        } catch (RuntimeException e) {
            code = fail(1, "cannot start: " + e, e);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            return code; // the hook closes the daemon
        }
        daemon.close();
        return code;
    }

    /** Prints {@code message} as one line on stderr (the stack trace goes to the log at DEBUG) and returns code. */
    private static int fail(int code, String message, Throwable e) {
        System.err.println("ftd: " + NodeConfig.InvalidConfigException.oneLine(message));
        LOG.debug("ftd exits with {}", code, e);
        return code;
    }

    /** ftd's command line; anything that escapes {@link #call} is one line on stderr and exit code 1, too. */
    static CommandLine commandLine() {
        return new CommandLine(new Ftd()).setExecutionExceptionHandler((e, cmd, parsed) ->
                fail(1, "failed: " + e, e));
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The build's version ({@link io.ftvm.vmm.BuildInfo}). */
    static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"ftd " + io.ftvm.vmm.BuildInfo.version()};
        }
    }
}
