package io.ftvm.node.demo;

import io.ftvm.coordinator.VersionedState;
import io.ftvm.coordinator.VmState;
import io.ftvm.coordinator.VmStatus;
import io.ftvm.replication.console.ConnectionEvent;
import io.ftvm.replication.console.ConsoleClient;
import io.ftvm.replication.console.ConsoleClientConfig;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ftctl demo}: a protected VM on a local cluster. Starts ZooKeeper's embedded server and three ftd host
 * processes, runs a guest protected, attaches its console, and prints every role change. As root, the guest is the
 * Linux server ({@link LinuxDemo}: a disk, a NIC on a bridge, a TCP client in a network namespace); otherwise (or
 * with {@code --guest kvstore}) the kvstore console guest. Type shell or kvstore commands; {@code !kill} kills the primary's ftd with SIGKILL and you watch the backup take over and a new
 * backup get placed while the console session carries on; {@code !quit} (or end of input) stops everything.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run a protected VM on a local 3-host cluster (embedded ZooKeeper) and fail it over.",
        footer = {"", "Console commands: any line goes to the guest (kvstore: set K V, get K, incr K N, list, "
                + "count, sum, help).", "  !kill     kill -9 the primary's ftd (it is restarted as a spare "
                + "after 3 s)", "  !status   show the VM's record", "  !quit     stop the cluster and exit"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ended normally (or --script passed)", "1:--script failed", "2:bad arguments",
            "3:the cluster did not come up"})
public final class Demo implements Callable<Integer> {
    @Option(names = "--dir", paramLabel = "DIR", description = "working directory for ZooKeeper, the hosts' data "
            + "and their logs (default: a new directory under the system temp dir)")
    private Path dir;

    @Option(names = "--keep", description = "keep the working directory (ZooKeeper's and the hosts' data and logs) "
            + "at the end; without --dir, a temporary directory is removed unless this is given")
    private boolean keep;

    @Option(names = "--hosts", defaultValue = "3", description = "ftd hosts to start (at least 2; default 3)")
    private int hosts;

    @Option(names = "--script", description = "no keyboard: run a scripted session with one failover, check the "
            + "output and exit (0 = passed)")
    private boolean script;

    @Option(names = "--guest", defaultValue = "auto", description = "linux (the Linux guest with a disk and a NIC on "
            + "a bridge, a TCP client in a network namespace: needs root), kvstore (the console guest), or auto "
            + "(default: linux when it can run here, else kvstore, saying why)")
    private String guest;

    @Option(names = "--images", paramLabel = "DIR", description = "the Linux guest's files (default: "
            + "guests/images/linux of this checkout)")
    private Path images;

    /** Kills the VM's primary host (the demo's {@code !kill}). */
    @FunctionalInterface
    interface Killer {
        String killPrimary(LocalCluster cluster) throws Exception;
    }

    private String vm = "kv";
    private LinuxDemo linux;

    private final PrintStream out = System.out;
    private final PrintStream info = System.err;
    private final ByteArrayOutputStream seen = new ByteArrayOutputStream();
    private volatile String lastShown = "";

    @Override
    public Integer call() throws Exception {
        if (hosts < 2 || hosts > 9) {
            info.println("demo: --hosts must be between 2 and 9, not " + hosts);
            return 2;
        }
        if (!guest.equals("auto") && !guest.equals("linux") && !guest.equals("kvstore")) {
            info.println("demo: --guest must be auto, linux or kvstore, not '" + guest + "'");
            return 2;
        }
        Path linuxImages = images != null ? images : Path.of(System.getProperty("ftvm.home", "."), "guests",
                "images", "linux");
        String whyNot = guest.equals("kvstore") ? "" : LinuxDemo.unavailable(linuxImages);
        if (guest.equals("linux") && whyNot != null) {
            info.println("demo: --guest linux: " + whyNot);
            return 2;
        }
        if (guest.equals("auto") && whyNot != null) {
            info.println("[demo] not the Linux guest: " + whyNot + "; running the kvstore console guest");
        }
        Path work = dir != null ? dir : Files.createTempDirectory("ftvm-demo-");
        try {
            return runIn(work, whyNot, linuxImages);
        } finally {
            if (dir == null && !keep) {
                try {
                    io.ftvm.node.daemon.FileTrees.delete(work);
                } catch (java.io.IOException e) {
                    info.println("[demo] cannot remove " + work + ": " + e.getMessage());
                }
            } else {
                info.println("[demo] its data and logs stay in " + work);
            }
        }
    }

    private int runIn(Path work, String whyNot, Path linuxImages) throws Exception {
        if (whyNot == null) {
            vm = LinuxDemo.VM;
            linux = new LinuxDemo(info, linuxImages);
            try (io.ftvm.node.net.ClientNetwork net = io.ftvm.node.net.ClientNetwork.create(
                    "d" + ProcessHandle.current().pid() % 100000)) {
                try {
                    return run(work, LinuxDemo.hostConfig(net, work, linuxImages), net);
                } finally {
                    linux.close();
                }
            }
        }
        return run(work, List.of(), null);
    }

    private int run(Path work, List<String> hostConfig, io.ftvm.node.net.ClientNetwork net) throws Exception {
        info.println("[demo] starting an embedded ZooKeeper and " + hosts + " ftd hosts; logs in " + work);
        LocalCluster cluster;
        try {
            cluster = new LocalCluster(work, hosts, hostConfig);
        } catch (Exception e) {
            info.println("[demo] the cluster did not come up: " + e.getMessage());
            return 3;
        }
        try (cluster) {
            Path token = SecretFiles.write(work.resolve("admin-token"), LocalCluster.ADMIN_TOKEN + "\n");
            info.println("[demo] operate it from another terminal:");
            info.println("[demo]   export FTCTL_ENDPOINT=" + cluster.adminEndpoints() + " FTCTL_TOKEN_FILE=" + token
                    + " FTCTL_CA_FILE=" + cluster.caFile());
            info.println("[demo]   bin/ftctl status;  bin/ftctl drill failover " + vm + ";  bin/ftctl console " + vm
                    + " (read-only; --write --take-over to type: this demo holds the write lease)");
            if (linux != null) {
                LinuxDemo.create(cluster);
            } else {
                cluster.createVm("kv", "kvstore", 64, "host-1");
            }
            Thread watcher = new Thread(() -> watch(cluster), "demo-watch");
            watcher.setDaemon(true);
            watcher.start();
            cluster.await(vm, s -> s.state().status() == VmStatus.PROTECTED, Duration.ofSeconds(180));
            if (linux != null) {
                linux.startClient(net);
            }
            try (ConsoleClient console = ConsoleClient.start(cluster.console(vm)
                    .withBackoff(Duration.ofMillis(5), Duration.ofMillis(50)).withClientName("ftctl demo"),
                    this::output, this::event)) {
                if (linux != null) {
                    return script ? linux.script(cluster, this::killPrimary) : interactive(cluster, console);
                }
                return script ? runScript(cluster, console) : interactive(cluster, console);
            }
        }
    }

    private void output(long offset, byte[] bytes) {
        synchronized (seen) {
            seen.write(bytes, 0, bytes.length);
        }
        out.write(bytes, 0, bytes.length);
        out.flush();
    }

    private void event(ConnectionEvent e) {
        info.println("[console] " + e.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                + (e.endpoint() == null ? "" : " " + e.endpoint()) + " (output offset " + e.outputOffset()
                + ", input acknowledged " + e.inputAcked() + ")" + (e.detail() == null || e.detail().isEmpty() ? ""
                : ": " + e.detail()));
    }

    private void watch(LocalCluster cluster) {
        while (true) {
            try {
                show(cluster.state(vm).state());
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // ZooKeeper going away at the end: stop watching quietly
                return;
            }
        }
    }

    private void show(VmState s) {
        String line = "[ftvm] epoch " + s.epoch() + ": " + s.status() + (s.primary() == null ? ""
                : " - primary " + s.primary()) + (s.backup() == null ? "" : ", backup " + s.backup())
                + " (" + s.reason() + ")";
        if (!line.equals(lastShown)) {
            lastShown = line;
            info.println(line);
        }
    }

    private int interactive(LocalCluster cluster, ConsoleClient console) throws Exception {
        if (linux != null) {
            info.println("[demo] VM 'web' (Linux) is protected. You are on its console shell (try: ls /data, "
                    + "cat /data/kv.log | tail, ip addr); the TCP client's progress is shown as it goes.");
        } else {
            info.println("[demo] VM 'kv' is protected. Type kvstore commands (try: set a 1, get a, list);");
        }
        info.println("[demo] !kill kills the primary's host, !status shows the record, !quit ends.");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String cmd = line.trim();
            if (cmd.equals("!quit")) {
                break;
            } else if (cmd.equals("!status")) {
                info.println("[ftvm] " + cluster.state(vm).state());
                if (linux != null) {
                    info.println(linux.summary());
                }
            } else if (cmd.equals("!kill")) {
                killPrimary(cluster);
            } else if (cmd.startsWith("!")) {
                info.println("[demo] commands: !kill, !status, !quit");
            } else {
                console.send((line + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        console.awaitInputAcked(Duration.ofSeconds(5));
        Thread.sleep(300);
        return 0;
    }

    private String killPrimary(LocalCluster cluster) throws Exception {
        String victim = cluster.state(vm).state().primary();
        if (victim == null) {
            info.println("[demo] the VM has no primary right now");
            return null;
        }
        info.println("[demo] kill -9 " + victim + "'s ftd");
        long t0 = System.nanoTime();
        cluster.kill(victim);
        VersionedState s = cluster.await(vm, v -> v.state().primary() != null
                && !victim.equals(v.state().primary()), Duration.ofSeconds(30));
        info.printf("[demo] %s took over %d ms after the kill%n", s.state().primary(),
                (System.nanoTime() - t0) / 1_000_000);
        Thread restart = new Thread(() -> {
            try {
                Thread.sleep(3000);
                cluster.start(victim);
                info.println("[demo] " + victim + " restarted as a spare host");
            } catch (Exception e) {
                info.println("[demo] could not restart " + victim + ": " + e.getMessage());
            }
        }, "demo-restart");
        restart.setDaemon(true);
        restart.start();
        return victim;
    }

    private int runScript(LocalCluster cluster, ConsoleClient console) throws Exception {
        String[] before = {"set greeting hello", "incr visits 1", "incr visits 1"};
        String[] after = {"get greeting", "incr visits 1", "count"};
        for (String c : before) {
            console.send((c + "\n").getBytes(StandardCharsets.UTF_8));
        }
        if (!console.awaitInputAcked(Duration.ofSeconds(20))) {
            info.println("[demo] FAILED: input before the failover was not acknowledged");
            return 1;
        }
        killPrimary(cluster);
        cluster.await(vm, s -> s.state().status() == VmStatus.PROTECTED, Duration.ofSeconds(60));
        for (String c : after) {
            console.send((c + "\n").getBytes(StandardCharsets.UTF_8));
        }
        String want = "VALUE hello";
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            String text;
            synchronized (seen) {
                text = seen.toString(StandardCharsets.ISO_8859_1);
            }
            if (text.contains(want) && text.contains("VALUE 3") && text.contains("COUNT 2")) {
                info.println("[demo] PASSED: the session carried on through the failover with nothing lost");
                return 0;
            }
            Thread.sleep(20);
        }
        info.println("[demo] FAILED: expected output after the failover did not arrive");
        return 1;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Demo()).execute(args));
    }
}
