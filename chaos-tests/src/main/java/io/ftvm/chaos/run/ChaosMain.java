package io.ftvm.chaos.run;

import io.ftvm.chaos.check.CheckReport;
import io.ftvm.chaos.check.HistoryChecker;
import io.ftvm.chaos.check.HostLogCheck;
import io.ftvm.chaos.cluster.NetworkMode;
import io.ftvm.chaos.nemesis.FaultKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * {@code chaos-tests/run [--kills N] [--duration D] [--seed S] [--hosts H] [--vms V] [--dir DIR] [--faults K,...]
 * [--network auto|netns|loopback]}:
 * one run, its summary on stdout; exit 0 when clean, 1 with anomalies (the run's directory is kept and printed), 2 on a usage
 * error, 3 when the run itself failed, 130/143 when a clean run was ended early by SIGINT/SIGTERM (kept). A clean
 * run's directory is deleted unless {@code --keep} is given. Durations: {@code 90s}, {@code 10m}, {@code 1h} (at most
 * 30 days). {@code --check DIR} checks a kept run's history and logs again (exit 0: no anomaly in what the history
 * holds; its {@code history:} line says whether that is the whole run).
 */
public final class ChaosMain {
    /** The longest run {@code --duration} accepts. */
    static final Duration MAX_DURATION = Duration.ofDays(30);
    private ChaosMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        int kills = 50;
        Duration duration = Duration.ofMinutes(10);
        long seed = System.nanoTime();
        int hosts = 4;
        int vms = 2;
        boolean keep = false;
        List<FaultKind> faults = List.of();
        NetworkMode network = NetworkMode.AUTO;
        Path dir = null;
        ChaosOptions options;
        try {
            for (int i = 0; i < args.length; i++) {
                String option = args[i];
                switch (option) {
                    case "--kills" -> kills = number(option, value(args, ++i));
                    case "--duration" -> duration = parseDuration(value(args, ++i));
                    case "--seed" -> seed = longNumber(option, value(args, ++i));
                    case "--hosts" -> hosts = number(option, value(args, ++i));
                    case "--vms" -> vms = number(option, value(args, ++i));
                    case "--dir" -> dir = Path.of(value(args, ++i));
                    case "--keep" -> keep = true;
                    case "--faults" -> faults = parseFaults(value(args, ++i));
                    case "--network" -> network = NetworkMode.parse(value(args, ++i));
                    case "--check" -> {
                        return recheck(Path.of(value(args, ++i)));
                    }
                    case "-h", "--help" -> {
                        System.out.println("usage: chaos-tests/run [--kills N] [--duration D] [--seed S] [--hosts H]"
                                + " [--vms V] [--dir DIR] [--keep]\n"
                                + "       [--network auto|netns|loopback] [--faults KIND,...]\n"
                                + "       chaos-tests/run --check DIR\n"
                                + "fault kinds (default: all the network allows): " + String.join(",",
                                        java.util.Arrays.stream(FaultKind.values()).map(k -> k.key().substring(7))
                                                .toList()) + "\n"
                                + "Ctrl-C (SIGINT) or SIGTERM ends a run early: faults healed, history checked, "
                                + "summary printed; a second one exits at once.");
                        return 0;
                    }
                    default -> throw new IllegalArgumentException("unknown argument " + option);
                }
            }
            ChaosOptions defaults = ChaosOptions.of(Path.of("."), hosts, vms, duration, kills, seed);
            options = new ChaosOptions(Path.of("."), hosts, vms, duration, kills, seed, faults, network,
                    defaults.timeouts(), defaults.recovery());
        } catch (RuntimeException e) {
            System.err.println("chaos-tests/run: " + e.getMessage() + " (--help for usage)");
            return 2;
        }
        if (network == NetworkMode.LOOPBACK && faults.stream().anyMatch(FaultKind::network)) {
            System.err.println("chaos-tests/run: " + faults.stream().filter(FaultKind::network).map(FaultKind::key)
                    .map(k -> k.substring(7)).toList() + " need --network netns (or auto)");
            return 2;
        }
        try {
            if (dir == null) {
                dir = Files.createTempDirectory("ftvm-chaos-");
            }
            options = options.in(dir);
            Consumer<String> progress = line -> System.err.println("chaos: " + line);
            Summary s = new ChaosRun(options, progress, SignalStop.install(progress, dir)).run();
            s.lines().forEach(System.out::println);
            if (!s.clean()) {
                System.out.println("kept: " + dir + " (history.jsonl, host-*/ftd.log, zk-*/zookeeper.log)");
                return 1;
            }
            if (s.stoppedEarly().isPresent()) {
                System.out.println("kept: " + dir + " (the run was stopped early)");
                return s.stoppedEarly().get().exitCode();
            }
            if (keep) {
                System.out.println("kept: " + dir);
            } else {
                deleteTree(dir);
            }
            return 0;
        } catch (Exception e) {
            System.err.println("chaos-tests/run: the run failed: " + e);
            e.printStackTrace();
            System.out.println("kept: " + dir);
            return 3;
        }
    }

    /**
     * Checks a kept run's history and logs again (after changing the checker, or to read a run in progress or one
     * whose harness died) and prints the run's summary from them.
     */
    static int recheck(Path dir) {
        try {
            List<Path> logs = new ArrayList<>();
            try (var hosts = Files.list(dir)) {
                hosts.filter(p -> p.getFileName().toString().startsWith("host-")).sorted()
                        .forEach(p -> logs.add(p.resolve("ftd.log")));
            }
            Path history = dir.resolve("history.jsonl");
            CheckReport r = new HistoryChecker(ChaosOptions.IMAGE, ChaosOptions.RAM_MIB).check(history)
                    .plus(HostLogCheck.check(logs));
            FaultTally t = FaultTally.of(history);
            Summary s = new Summary(t.network(), t.faults(), t.takeoverMillis(), r, dir, -1, t.runMillis(),
                    t.stoppedEarly());
            s.lines().stream().filter(l -> !l.startsWith("seed: ")).forEach(System.out::println);
            return s.clean() ? 0 : 1;
        } catch (IOException e) {
            System.err.println("chaos-tests/run: cannot check " + dir + ": " + e.getMessage());
            return 3;
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static int number(String option, String text) {
        long n = longNumber(option, text);
        if (n != (int) n) {
            throw new IllegalArgumentException(option + " '" + text + "' is too large");
        }
        return (int) n;
    }

    private static long longNumber(String option, String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " '" + text + "' is not a whole number");
        }
    }

    /** {@code kill_primary,pause}: fault kinds by their summary names (without {@code faults_}). */
    static List<FaultKind> parseFaults(String text) {
        List<FaultKind> out = new ArrayList<>();
        for (String name : text.split(",")) {
            try {
                out.add(FaultKind.valueOf(name.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown fault kind '" + name + "'");
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--faults: at least one kind");
        }
        return out;
    }

    /** {@code 90s}, {@code 10m}, {@code 1h} or plain seconds. */
    static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        IllegalArgumentException bad = new IllegalArgumentException("--duration '" + text
                + "' is not a duration (e.g. 90s, 10m, 1h)");
        if (t.isEmpty()) {
            throw bad;
        }
        char unit = t.charAt(t.length() - 1);
        long unitSeconds = switch (unit) {
            case 's' -> 1;
            case 'm' -> 60;
            case 'h' -> 3600;
            default -> Character.isDigit(unit) ? 1 : 0;
        };
        if (unitSeconds == 0) {
            throw bad;
        }
        long n;
        try {
            n = Long.parseLong(Character.isDigit(unit) ? t : t.substring(0, t.length() - 1));
        } catch (NumberFormatException e) {
            throw bad;
        }
        if (n < 0) {
            throw bad;
        }
        if (n > MAX_DURATION.toSeconds() / unitSeconds) {
            throw new IllegalArgumentException("--duration '" + text + "' is longer than " + MAX_DURATION.toDays()
                    + " days");
        }
        return Duration.ofSeconds(n * unitSeconds);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
