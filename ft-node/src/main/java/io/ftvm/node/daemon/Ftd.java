package io.ftvm.node.daemon;

import io.ftvm.coordinator.CoordinatorException;
import io.ftvm.vmm.replay.WallClock;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ftd}: the ftvm host daemon. Runs until it is terminated (SIGTERM / Ctrl-C stop it cleanly). */
@Command(name = "ftd", mixinStandardHelpOptions = true, version = "ftd 0.1",
        description = "The ftvm host daemon: registers this host, runs the VM roles ZooKeeper assigns to it and "
                + "serves their consoles.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped by a signal", "2:bad arguments or configuration",
            "3:ZooKeeper refused or unreachable at start", "4:an I/O error (data directory, ports)"})
public final class Ftd implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "the host's YAML config")
    private Path config;

    @Override
    public Integer call() throws Exception {
        NodeConfig c;
        try {
            c = new NodeConfigLoader().load(config);
        } catch (NodeConfig.InvalidConfigException e) {
            System.err.println("ftd: " + e.getMessage());
            return 2;
        }
        HostDaemon daemon = new HostDaemon(c, WallClock.SYSTEM);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            daemon.close();
            stopped.countDown();
        }, "ftd-shutdown"));
        try {
            daemon.start();
        } catch (CoordinatorException e) {
            System.err.println("ftd: " + e.getMessage());
            daemon.close();
            return 3;
        } catch (java.io.IOException e) {
            System.err.println("ftd: " + e.getMessage());
            daemon.close();
            return 4;
        }
        stopped.await();
        return 0;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Ftd()).execute(args));
    }
}
