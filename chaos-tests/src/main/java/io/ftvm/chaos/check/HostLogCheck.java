package io.ftvm.chaos.check;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the ftd logs of a run (one {@code <hostId>/ftd.log} each, appended across restarts). Every primary tenure
 * starts with a logged line naming its epoch: {@code VM v: booted IMAGE as primary (tenure E)} or {@code VM v: H took
 * over at epoch E}; only a primary releases output, so two hosts starting a tenure of one VM at one epoch would be two
 * hosts releasing output in the same epoch. A backup that stops on a divergence logs {@code -> STOPPED (divergence:
 * ...)}: every digest check must have passed, so that is an anomaly too. Takeovers are counted as failovers.
 */
public final class HostLogCheck {
    private static final Pattern BOOTED = Pattern.compile("VM (\\S+): booted \\S+ as primary \\(tenure (\\d+)\\)");
    private static final Pattern TOOK_OVER = Pattern.compile("VM (\\S+): (\\S+) took over at epoch (\\d+)");
    private static final Pattern DIVERGED = Pattern.compile("VM (\\S+) backup: \\S+ -> STOPPED \\((divergence.*)\\)");

    private HostLogCheck() {
    }

    /** @param logs each host's log; the host id is the name of the file's directory */
    public static CheckReport check(List<Path> logs) throws IOException {
        Map<String, Map<Long, TreeSet<String>>> tenures = new TreeMap<>();
        List<Anomaly> anomalies = new ArrayList<>();
        long failovers = 0;
        for (Path log : logs) {
            if (!Files.exists(log)) {
                continue;
            }
            String host = log.getParent().getFileName().toString();
            for (String line : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) {
                Matcher m = BOOTED.matcher(line);
                if (m.find()) {
                    tenure(tenures, m.group(1), Long.parseLong(m.group(2)), host);
                    continue;
                }
                m = TOOK_OVER.matcher(line);
                if (m.find()) {
                    failovers++;
                    tenure(tenures, m.group(1), Long.parseLong(m.group(3)), host);
                    if (!m.group(2).equals(host)) {
                        anomalies.add(new Anomaly("foreign-takeover", m.group(1), host + "'s log says " + m.group(2)
                                + " took over at epoch " + m.group(3)));
                    }
                    continue;
                }
                m = DIVERGED.matcher(line);
                if (m.find()) {
                    anomalies.add(new Anomaly("digest-mismatch", m.group(1), "backup on " + host + ": "
                            + m.group(2)));
                }
            }
        }
        for (var vm : tenures.entrySet()) {
            for (var e : vm.getValue().entrySet()) {
                if (e.getValue().size() > 1) {
                    anomalies.add(new Anomaly("two-primaries-one-epoch", vm.getKey(), "epoch " + e.getKey()
                            + " started as primary on " + e.getValue()));
                }
            }
        }
        return new CheckReport(0, failovers, anomalies);
    }

    private static void tenure(Map<String, Map<Long, TreeSet<String>>> tenures, String vm, long epoch, String host) {
        tenures.computeIfAbsent(vm, k -> new TreeMap<>()).computeIfAbsent(epoch, k -> new TreeSet<>()).add(host);
    }
}
