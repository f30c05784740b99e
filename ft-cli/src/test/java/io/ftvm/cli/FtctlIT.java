package io.ftvm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ftvm.guests.GuestImages;
import io.ftvm.node.demo.LocalCluster;
import io.ftvm.node.demo.SecretFiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Every ftctl command against a real local cluster: an embedded ZooKeeper and three ftd processes. Commands run
 * in-process through the same command line as {@code bin/ftctl}, with the endpoint and token from the environment;
 * JSON output is parsed and checked. The tests share one VM and run in order (its life: create, start, protect,
 * suspend/resume, off/on, drills, stop, delete).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FtctlIT {
    private static final String VM = "cli-vm";
    private static LocalCluster cluster;
    private static Map<String, String> env;

    /** What one ftctl run printed and returned. */
    record Run(int code, String out, String err) {
        JsonNode json() throws Exception {
            return AdminClient.JSON.readTree(out);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Path dir = Path.of("target", "ftctl-it");
        deleteTree(dir);
        cluster = new LocalCluster(dir, 3);
        Path token = SecretFiles.write(dir.resolve("admin-token"), LocalCluster.ADMIN_TOKEN + "\n");
        // the secrets the cluster writes are the owner's only
        assertThat(Files.getPosixFilePermissions(dir.resolve("host-1").resolve("ftd.yaml")))
                .isEqualTo(SecretFiles.OWNER_ONLY);
        env = new HashMap<>();
        env.put("FTCTL_ENDPOINT", cluster.adminEndpoints());
        env.put("FTCTL_TOKEN_FILE", token.toString());
        env.put("FTCTL_CA_FILE", cluster.caFile().toString());
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static void deleteTree(Path dir) throws Exception {
        if (Files.exists(dir)) {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static Run ftctl(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Ftctl.commandLine(environment).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static Run ftctl(String... args) {
        return ftctl(env, args);
    }

    static Run ok(String... args) {
        Run r = ftctl(args);
        assertThat(r.code()).as("ftctl %s: %s", String.join(" ", args), r.err()).isZero();
        return r;
    }

    /** Polls {@code vm describe -o json} until {@code check} holds (bounded). */
    static JsonNode awaitVm(Predicate<JsonNode> check, String what) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = ok("vm", "describe", VM, "-o", "json").json();
            if (check.test(last)) {
                return last;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(what + " did not happen within 60 s; last: " + last);
    }

    @Test
    @Order(1)
    void badArgumentsAreUsageErrors() {
        for (String[] args : List.of(new String[] {}, new String[] {"vm", "create", "x", "--memory-mib", "64"},
                new String[] {"status", "--output", "yaml"}, new String[] {"drill", "failover"},
                new String[] {"vm", "create", "x", "--image", "kvstore", "--memory-mib", "lots"},
                new String[] {"vm", "create", "x", "--image", "kvstore", "--memory-mib", "64", "--protection", "maybe"},
                new String[] {"ft"}, new String[] {"ft", "on"}, new String[] {"recording"},
                new String[] {"recording", "fetch", "x"}, new String[] {"vm", "start", "x", "--timeout", "soon"},
                new String[] {"nonsense"})) {
            Run r = ftctl(args);
            assertThat(r.code()).as("ftctl %s", String.join(" ", args)).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).as("ftctl %s", String.join(" ", args)).isNotBlank();
        }
        Map<String, String> badEndpoint = new HashMap<>(env);
        badEndpoint.put("FTCTL_ENDPOINT", "not an endpoint");
        Run r = ftctl(badEndpoint, "status");
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("bad admin endpoint 'not an endpoint'");
        Run noSuchConsole = ftctl("console", "nosuch", "--no-raw");
        assertThat(noSuchConsole.code()).as("ftctl console nosuch: %s", noSuchConsole.err()).isEqualTo(ExitCodes.FAILED);
        assertThat(noSuchConsole.err()).contains("no such VM 'nosuch'");
        Run badId = ftctl("vm", "delete", "web?old");
        assertThat(badId.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(badId.err()).contains("'web?old' is not a VM id");
        assertThat(ftctl("vm", "describe", "a b").code()).isEqualTo(ExitCodes.USAGE);
        assertThat(ftctl("status", "--request-timeout", "0s").code()).isEqualTo(ExitCodes.USAGE);
        Run noToken = ftctl(Map.of("FTCTL_ENDPOINT", cluster.adminEndpoints(), "FTCTL_CA_FILE",
                env.get("FTCTL_CA_FILE")), "status");
        assertThat(noToken.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(noToken.err()).contains("no admin token");
    }

    @Test
    @Order(2)
    void anUnreachableClusterAndAWrongTokenAreNamed() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        Map<String, String> unreachable = new HashMap<>(env);
        unreachable.put("FTCTL_ENDPOINT", "127.0.0.1:" + closed);
        Run r = ftctl(unreachable, "status");
        assertThat(r.code()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(r.err()).contains("cannot reach the cluster's admin API: tried 127.0.0.1:" + closed);

        // a dead endpoint first in the list: the next one answers
        Map<String, String> oneDead = new HashMap<>(env);
        oneDead.put("FTCTL_ENDPOINT", "127.0.0.1:" + closed + "," + cluster.adminEndpoints());
        assertThat(ftctl(oneDead, "status").code()).isZero();

        // the same cluster through the options and FTCTL_TOKEN instead of the environment's file
        Map<String, String> none = Map.of();
        Path tokenFile = Path.of(env.get("FTCTL_TOKEN_FILE"));
        String ca = env.get("FTCTL_CA_FILE");
        assertThat(ftctl(none, "--endpoint", cluster.adminEndpoints(), "--token-file", tokenFile.toString(),
                "--ca-file", ca, "status").code()).isZero();
        assertThat(ftctl(Map.of("FTCTL_TOKEN", LocalCluster.ADMIN_TOKEN), "status", "--endpoint",
                cluster.adminEndpoints(), "--ca-file", ca).code()).isZero();

        // TLS is on: plain HTTP is answered with what to do; a CA that did not sign the hosts is a failed handshake
        Map<String, String> plain = new HashMap<>(env);
        plain.remove("FTCTL_CA_FILE");
        Run plainRun = ftctl(plain, "status");
        assertThat(plainRun.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(plainRun.err()).contains("speaks HTTPS only").contains("--ca-file");
        Path otherCa = io.ftvm.replication.ClusterPki.create("not this cluster's CA")
                .writeCaCertificate(cluster.dir().resolve("other-ca.pem"));
        Map<String, String> wrongCa = new HashMap<>(env);
        wrongCa.put("FTCTL_CA_FILE", otherCa.toString());
        Run wrongCaRun = ftctl(wrongCa, "status");
        assertThat(wrongCaRun.code()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(wrongCaRun.err()).contains("TLS handshake failed");
        Run noCa = ftctl(env, "--ca-file", "/nonexistent/ca.pem", "status");
        assertThat(noCa.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(noCa.err()).contains("/nonexistent/ca.pem");
        Run certWithoutCa = ftctl(plain, "--cert-file", tokenFile.toString(), "status");
        assertThat(certWithoutCa.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(certWithoutCa.err()).contains("needs the cluster CA");
        Path notPem = Files.writeString(cluster.dir().resolve("not-a-ca.pem"), "not a certificate\n");
        Run badPem = ftctl(env, "--ca-file", notPem.toString(), "status");
        assertThat(badPem.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(badPem.err()).contains("not-a-ca.pem");
        Run noFile = ftctl(none, "--endpoint", cluster.adminEndpoints(), "--token-file", "/nonexistent/token", "status");
        assertThat(noFile.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(noFile.err()).contains("/nonexistent/token");
        Run vmUnreachable = ftctl(unreachable, "vm", "list");
        assertThat(vmUnreachable.code()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(vmUnreachable.err()).contains("127.0.0.1:" + closed);

        Path wrong = Files.writeString(cluster.dir().resolve("wrong-token"), "this-is-not-the-token");
        Map<String, String> badToken = new HashMap<>(env);
        badToken.put("FTCTL_TOKEN_FILE", wrong.toString());
        Run refused = ftctl(badToken, "status");
        assertThat(refused.code()).isEqualTo(ExitCodes.UNAUTHORIZED);
        assertThat(refused.err()).contains("refused the token");
    }

    @Test
    @Order(3)
    void theApiRefusesMalformedRequestsByName() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().sslContext(cluster.clientSsl()).build();
        String base = "https://" + cluster.adminEndpoints().split(",")[0] + "/v1";
        java.util.function.BiFunction<String, String, java.net.http.HttpResponse<String>> send = (method, pathAndBody) -> {
            String[] pb = pathAndBody.split(" ", 2);
            try {
                return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + pb[0]))
                        .header("Authorization", "bearer " + LocalCluster.ADMIN_TOKEN) // the scheme in any case
                        .method(method, pb.length > 1 ? java.net.http.HttpRequest.BodyPublishers.ofString(pb[1])
                                : java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        var notJson = send.apply("POST", "/vms {\"id\": ");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.body()).contains("not JSON");
        var fraction = send.apply("POST", "/vms {\"id\":\"f\",\"image\":\"kvstore\",\"memoryMib\":64.5}");
        assertThat(fraction.statusCode()).isEqualTo(400);
        assertThat(fraction.body()).contains("memoryMib");
        var secret = send.apply("POST", "/vms {\"id\":\"f\",\"image\":\"/nonexistent/x.elf\",\"memoryMib\":64}");
        assertThat(secret.statusCode()).isEqualTo(400);
        for (String bad : List.of("/vms/..", "/vms/%2E%2E%2Fetc", "/vms/" + "a".repeat(200), "/local/vms/x%3Fy")) {
            var r = send.apply("GET", bad);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(r.body()).as(bad).contains("BAD_VM_ID");
        }
        assertThat(send.apply("GET", "/nothing").statusCode()).isEqualTo(404);
        assertThat(send.apply("PUT", "/status").statusCode()).isEqualTo(405);
    }

    @Test
    @Order(4)
    void createStartAndWatchItGetProtected() throws Exception {
        Run created = ok("vm", "create", VM, "--image", "kvstore", "--memory-mib", "64", "-o", "json");
        JsonNode vm = created.json();
        assertThat(vm.path("id").asText()).isEqualTo(VM);
        assertThat(vm.path("status").asText()).isEqualTo("STOPPED");
        assertThat(vm.path("faultTolerance").asText()).isEqualTo("PROTECTED");
        assertThat(vm.path("reasonCode").asText()).isEqualTo("VM_NOT_RUNNING");

        Run again = ftctl("vm", "create", VM, "--image", "kvstore", "--memory-mib", "64");
        assertThat(again.code()).isEqualTo(ExitCodes.FAILED);
        assertThat(again.err()).contains(VM).contains("exists");
        Run badImage = ftctl("vm", "create", "other", "--image", "no-such-guest", "--memory-mib", "64");
        assertThat(badImage.code()).as("the API's 400: a bad argument").isEqualTo(ExitCodes.USAGE);
        assertThat(badImage.err()).contains("no-such-guest");
        // an image is a built-in guest or a file inside each host's imageDir: no other host path is read or probed
        Run absolute = ftctl("vm", "create", "other", "--image", "/etc/passwd", "--memory-mib", "64");
        assertThat(absolute.code()).as("400 BAD_IMAGE").isEqualTo(ExitCodes.USAGE);
        assertThat(absolute.err()).contains("/etc/passwd").contains("absolute path").contains("imageDir");
        Run escape = ftctl("vm", "create", "other", "--image", "../ftd.yaml", "--memory-mib", "64");
        assertThat(escape.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(escape.err()).contains("'..'");
        assertThat(ftctl("vm", "describe", "other").code()).as("nothing was created").isNotZero();

        Run noSuchHost = ftctl("vm", "start", VM, "--host", "host-9");
        assertThat(noSuchHost.code()).isNotZero();
        assertThat(noSuchHost.err()).contains("host-9");
        // --wait returns once the backup is in sync (the progress bar goes to stderr, and only for tables)
        JsonNode waited = ok("vm", "start", VM, "--host", "host-1", "--wait", "--timeout", "90s", "-o", "json")
                .json();
        assertThat(waited.path("status").asText()).isEqualTo("PROTECTED");
        assertThat(waited.path("primary").asText()).isEqualTo("host-1");
        JsonNode p = awaitVm(d -> d.path("status").asText().equals("PROTECTED")
                && d.path("backupHost").path("backup").path("state").asText().equals("REPLAYING"), "protection");
        assertThat(p.path("protection").asText()).isEqualTo("Protected");
        assertThat(p.path("primary").asText()).isEqualTo("host-1");
        assertThat(p.path("primaryHost").path("primary").path("state").asText()).isEqualTo("PROTECTED");

        Run started = ftctl("vm", "start", VM);
        assertThat(started.code()).isEqualTo(ExitCodes.FAILED);
        assertThat(started.err()).contains("already running");
    }

    @Test
    @Order(5)
    void statusListAndDescribe() throws Exception {
        JsonNode s = ok("status", "-o", "json").json();
        assertThat(s.path("cluster").asText()).isEqualTo(LocalCluster.CLUSTER);
        List<String> hosts = new ArrayList<>();
        s.path("hosts").forEach(h -> hosts.add(h.path("id").asText()));
        assertThat(hosts).containsExactly("host-1", "host-2", "host-3");
        JsonNode vm = s.path("vms").get(0);
        assertThat(vm.path("id").asText()).isEqualTo(VM);
        assertThat(vm.path("backupHost").path("backup").has("lagInstructions")).isTrue();
        assertThat(vm.path("primaryHost").path("primary").path("logBytes").asLong()).isPositive();

        String table = ok("status").out();
        assertThat(table).contains("HOST").contains("host-2").contains(VM).contains("Protected")
                .contains("LOG BW");
        assertThat(ok("vm", "list").out()).contains(VM).contains("PROTECTED");
        assertThat(ok("vm", "list", "-o", "json").json().get(0).path("id").asText()).isEqualTo(VM);
        assertThat(ok("vm", "describe", VM).out()).contains("faultTolerance").contains("primary.mips");
        Run missing = ftctl("vm", "describe", "no-such-vm");
        assertThat(missing.code()).isEqualTo(ExitCodes.FAILED);
        assertThat(missing.err()).contains("no-such-vm");
    }

    @Test
    @Order(6)
    void faultToleranceSuspendResumeOffOn() throws Exception {
        ok("ft", "suspend", VM);
        JsonNode d = awaitVm(v -> v.path("reasonCode").asText().equals("SUSPENDED"), "suspension");
        assertThat(d.path("status").asText()).isEqualTo("UNPROTECTED");
        assertThat(d.path("backup").isNull()).isTrue();
        JsonNode resumed = ok("ft", "resume", VM, "--wait", "-o", "json").json();
        assertThat(resumed.path("status").asText()).isEqualTo("PROTECTED");
        assertThat(resumed.path("faultTolerance").asText()).isEqualTo("PROTECTED");
        Run notSuspended = ftctl("ft", "resume", VM);
        assertThat(notSuspended.code()).isEqualTo(ExitCodes.FAILED);
        assertThat(notSuspended.err()).contains("not suspended");

        Run offAndWait = ftctl("ft", "off", VM, "--wait");
        assertThat(offAndWait.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(offAndWait.err()).contains("--wait goes with ft on and ft resume");
        assertThat(ok("vm", "describe", VM, "-o", "json").json().path("faultTolerance").asText())
                .as("a usage error changes nothing").isEqualTo("PROTECTED");
        JsonNode off = ok("ft", "off", VM, "-o", "json").json();
        assertThat(off.path("faultTolerance").asText()).isEqualTo("NONE");
        awaitVm(v -> v.path("reasonCode").asText().equals("DISABLED"), "fault tolerance off");
        Run on = ok("ft", "on", VM, "--wait");
        assertThat(on.out()).contains("fault tolerance of " + VM + ": PROTECTED; now PROTECTED");
        assertThat(on.err()).as("progress lines (not a terminal: one per phase)").contains("... ");
        awaitVm(v -> v.path("status").asText().equals("PROTECTED")
                && v.path("backupHost").path("backup").path("state").asText().equals("REPLAYING"), "protection again");
    }

    @Test
    @Order(7)
    void drillFailover() throws Exception {
        JsonNode before = ok("vm", "describe", VM, "-o", "json").json();
        Run r = ok("drill", "failover", VM, "-o", "json");
        JsonNode report = r.json();
        assertThat(report.path("oldPrimary").asText()).isEqualTo(before.path("primary").asText());
        assertThat(report.path("newPrimary").asText()).isEqualTo(before.path("backup").asText());
        assertThat(report.path("epoch").asLong()).isGreaterThan(before.path("epoch").asLong());
        assertThat(report.path("detectionMs").asLong()).isBetween(0L, 30_000L);
        assertThat(report.path("takeoverMs").asDouble()).isPositive();
        assertThat(report.path("totalMs").asLong()).isGreaterThanOrEqualTo(report.path("detectionMs").asLong());
        assertThat(report.path("newBackup").asText()).isNotEqualTo(report.path("newPrimary").asText());
        assertThat(report.path("reprotectedMs").asLong()).isPositive();
        JsonNode after = ok("vm", "describe", VM, "-o", "json").json();
        assertThat(after.path("status").asText()).isEqualTo("PROTECTED");
        assertThat(after.path("primary").asText()).isEqualTo(report.path("newPrimary").asText());
    }

    @Test
    @Order(8)
    void theConsoleFollowsTheVmThroughAFailover() throws Exception {
        java.io.PipedOutputStream typing = new java.io.PipedOutputStream();
        java.io.PipedInputStream stdin = new java.io.PipedInputStream(typing);
        java.io.ByteArrayOutputStream screen = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream notes = new java.io.ByteArrayOutputStream();
        java.util.concurrent.atomic.AtomicInteger code = new java.util.concurrent.atomic.AtomicInteger(-1);
        Thread console = new Thread(() -> code.set(Ftctl.commandLine(env, stdin,
                new java.io.PrintStream(screen, true), new java.io.PrintStream(notes, true))
                .execute("console", VM, "--write", "--no-raw", "--from", "end")));
        console.start();
        try {
            typing.write("set city paris\nget city\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            typing.flush();
            awaitText(screen, "VALUE paris");
            Run drill = ok("drill", "failover", VM, "--no-wait-protected");
            assertThat(drill.out()).contains("failover drill on " + VM).contains("detection (kill -> backup decides)")
                    .contains("takeover (decision -> live)").contains("total (kill -> live)")
                    .doesNotContain("protected again");
            typing.write("set city rome\nget city\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            typing.flush();
            awaitText(screen, "VALUE rome");
        } finally {
            typing.close(); // EOF: the console drains and exits
            console.join(30_000);
        }
        assertThat(code.get()).as("console exit; notes: %s", notes).isZero();
        assertThat(notes.toString()).contains("connected to");
        String text = screen.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(text.indexOf("VALUE paris")).isLessThan(text.indexOf("VALUE rome"));
        awaitVm(v -> v.path("status").asText().equals("PROTECTED"), "protection after the console's failover");
    }

    /**
     * {@code ftctl console} on a real terminal (a pty from {@code script}), typed at as a person types: the Enter key
     * sends CR, the console's line discipline turns it into the line end the guest reads, echoes what is typed, and
     * the guest's replies come out on lines of their own (CR LF on a raw terminal); Ctrl-] q quits and the terminal
     * is restored.
     */
    @Test
    @Order(8)
    void theConsoleOnATerminalRunsACommandTypedWithEnter() throws Exception {
        Assumptions.assumeTrue(new java.io.File("/usr/bin/script").canExecute(), "script(1) makes the pty");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cmd = javaBin + " -cp " + System.getProperty("java.class.path") + " io.ftvm.cli.Ftctl console " + VM
                + " --write --take-over --from end; stty -a | grep -o -- ' -\\?icanon' > " + cluster.dir()
                .resolve("tty-after").toAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder("script", "-qfec", cmd, "/dev/null").redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().put("TERM", "xterm");
        Process p = pb.start();
        java.io.ByteArrayOutputStream screen = new java.io.ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
            try {
                p.getInputStream().transferTo(screen);
            } catch (java.io.IOException e) {
                // the process ended
            }
        }, "pty-reader");
        reader.start();
        try (java.io.OutputStream keys = p.getOutputStream()) {
            awaitText(screen, "connected to");
            for (byte b : "set tty works\rget tty\r".getBytes(java.nio.charset.StandardCharsets.US_ASCII)) {
                keys.write(b); // key by key, as typed
                keys.flush();
                Thread.sleep(5);
            }
            awaitText(screen, "VALUE works");
            String text = screen.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
            assertThat(text).as("what was typed is echoed").contains("get tty");
            assertThat(text).as("the reply on a line of its own").contains("\r\nVALUE works\r\n");
            assertThat(text).as("the guest saw no CR inside the value").doesNotContain("works\r\r");
            keys.write(new byte[] {0x1d, 'q'});
            keys.flush();
            assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).as("Ctrl-] q quits: %s", screen)
                    .isTrue();
        } finally {
            p.destroyForcibly();
            reader.join(10_000);
        }
        assertThat(Files.readString(cluster.dir().resolve("tty-after"))).as("the terminal is cooked again")
                .contains("icanon").doesNotContain("-icanon");
    }

    private static void awaitText(java.io.ByteArrayOutputStream screen, String want) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!screen.toString(java.nio.charset.StandardCharsets.ISO_8859_1).contains(want)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("'" + want + "' never appeared on the console; it shows: " + screen);
            }
            Thread.sleep(20);
        }
    }

    @Test
    @Order(9)
    void recordingFetchGivesAFileThatReplays() throws Exception {
        Path file = cluster.dir().resolve("cli-vm.ftrec");
        JsonNode r = ok("recording", "fetch", VM, "-f", file.toString(), "-o", "json").json();
        assertThat(r.path("bytes").asLong()).isEqualTo(Files.size(file)).isPositive();
        Run exists = ftctl("recording", "fetch", VM, "-f", file.toString());
        assertThat(exists.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(exists.err()).contains("exists");
        // the VM took over from a snapshot at least once by now: the recording starts from one and replays
        java.io.PrintStream saved = System.out;
        java.io.ByteArrayOutputStream replayOut = new java.io.ByteArrayOutputStream();
        int replay;
        try {
            System.setOut(new java.io.PrintStream(replayOut, true));
            replay = io.ftvm.vmm.tool.Ftvm.execute("replay", file.toString());
        } finally {
            System.setOut(saved);
        }
        assertThat(replay).as("ftvm replay: %s", replayOut).isZero();
        assertThat(replayOut.toString()).contains("VALUE rome");
    }

    @Test
    @Order(10)
    void drillRestartBackupAndItsTableOutput() throws Exception {
        awaitVm(v -> v.path("backupHost").path("backup").path("state").asText().equals("REPLAYING"), "replaying");
        JsonNode before = ok("vm", "describe", VM, "-o", "json").json();
        Run r = ok("drill", "restart-backup", VM);
        assertThat(r.out()).contains("restart-backup drill on " + VM).contains("protected again");
        awaitVm(v -> v.path("status").asText().equals("PROTECTED")
                && v.path("backupHost").path("backup").path("state").asText().equals("REPLAYING"), "protection");
        JsonNode report = ok("drill", "restart-backup", VM, "-o", "json").json();
        assertThat(report.path("vm").asText()).isEqualTo(VM);
        assertThat(report.path("oldBackup").asText()).isNotEqualTo(before.path("primary").asText());
        assertThat(report.path("newBackup").asText()).isNotEqualTo(before.path("primary").asText());
        assertThat(report.path("lossNoticedMs").asLong()).isBetween(0L, report.path("reprotectedMs").asLong());
        assertThat(report.path("epoch").asLong()).isGreaterThan(before.path("epoch").asLong());
        awaitVm(v -> v.path("status").asText().equals("PROTECTED"), "protection");
    }

    @Test
    @Order(11)
    void switchoverHandsThePrimaryToTheBackupAndTheOldHostMayTakeTheNextBackup() throws Exception {
        JsonNode before = ok("vm", "describe", VM, "-o", "json").json();
        JsonNode report = ok("vm", "switchover", VM, "--wait", "-o", "json").json();
        assertThat(report.path("from").asText()).isEqualTo(before.path("primary").asText());
        assertThat(report.path("to").asText()).isEqualTo(before.path("backup").asText());
        assertThat(report.path("epoch").asLong()).isGreaterThan(before.path("epoch").asLong());
        assertThat(report.path("pausedMs").asDouble()).isPositive();
        assertThat(report.path("icount").asLong()).isPositive();
        assertThat(report.path("newBackup").asText()).isNotEqualTo(report.path("to").asText());
        JsonNode after = ok("vm", "describe", VM, "-o", "json").json();
        assertThat(after.path("primary").asText()).isEqualTo(report.path("to").asText());
        Run table = ok("vm", "switchover", VM);
        assertThat(table.out()).contains("switched " + VM + " over from " + report.path("to").asText())
                .contains("the VM stood still");
        awaitVm(v -> v.path("status").asText().equals("PROTECTED"), "protection after the second switchover");
        Run bad = ftctl("vm", "switchover", VM, "--timeout", "2m");
        assertThat(bad.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("--timeout must be in 1ms..60s");

        // host maintenance: drain the primary's host, and it ends with no role, the VM protected elsewhere
        String host = ok("vm", "describe", VM, "-o", "json").json().path("primary").asText();
        JsonNode drained = ok("host", "drain", host, "--wait", "-o", "json").json();
        assertThat(drained.path("done").asBoolean()).isTrue();
        assertThat(drained.path("drained").asBoolean()).isTrue();
        awaitVm(v -> v.path("status").asText().equals("PROTECTED"), "protection after the drain");
        JsonNode moved = ok("vm", "describe", VM, "-o", "json").json();
        assertThat(moved.path("primary").asText()).isNotEqualTo(host);
        assertThat(moved.path("backup").asText()).isNotEqualTo(host);
        assertThat(ok("host", "show", host).out()).contains("host " + host + ": live, drained");
        assertThat(ok("status", "-o", "json").json().path("drained").toString()).contains(host);
        assertThat(ok("host", "undrain", host).out()).contains("is no longer drained");
        assertThat(ok("host", "undrain", host).out()).contains("was not drained");
        Run unknown = ftctl("host", "drain", "host-9");
        assertThat(unknown.code()).isEqualTo(ExitCodes.FAILED);
        assertThat(unknown.err()).contains("host-9").contains("not live");
        Run badId = ftctl("host", "drain", "../x");
        assertThat(badId.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(badId.err()).contains("is not a host id");
    }

    @Test
    @Order(12)
    void aDrillOnAnUnprotectedVmIsRefused() throws Exception {
        ok("ft", "suspend", VM);
        awaitVm(v -> v.path("reasonCode").asText().equals("SUSPENDED"), "suspension");
        Run r = ftctl("drill", "failover", VM);
        assertThat(r.code()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.err()).contains("a drill needs a protected VM").contains("SUSPENDED");
        // the host refuses too, whoever asks: a drill never kills the last copy of a VM
        JsonNode d = ok("vm", "describe", VM, "-o", "json").json();
        AdminClient api = new AdminClient(List.of(cluster.adminEndpoints().split(",")), LocalCluster.ADMIN_TOKEN,
                java.time.Duration.ofSeconds(30), cluster.clientTls());
        String admin = DrillCommand.adminOf(api, d.path("primary").asText());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> api.onHost(admin, "POST",
                        "/local/vms/" + VM + "/crash", Map.of("role", "primary")))
                .isInstanceOfSatisfying(AdminClient.ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.code()).isEqualTo("CRASH_REFUSED");
                });
        Run sw = ftctl("vm", "switchover", VM);
        assertThat(sw.code()).isEqualTo(ExitCodes.FAILED);
        assertThat(sw.err()).contains("a switchover needs a protected VM").contains("SUSPENDED");
        ok("ft", "resume", VM);
    }

    @Test
    @Order(13)
    void stopAndDelete() throws Exception {
        Run running = ftctl("vm", "delete", VM);
        assertThat(running.code()).isEqualTo(ExitCodes.FAILED);
        assertThat(running.err()).contains("stop the VM");
        JsonNode stopped = ok("vm", "stop", VM, "-o", "json").json();
        assertThat(stopped.path("id").asText()).isEqualTo(VM);
        assertThat(stopped.path("status").asText()).isEqualTo("STOPPED");
        awaitVm(v -> v.path("status").asText().equals("STOPPED"), "stop");
        JsonNode deleted = ok("vm", "delete", VM, "-o", "json").json();
        assertThat(deleted.path("deleted").asText()).isEqualTo(VM);
        assertThat(ftctl("vm", "describe", VM).code()).isEqualTo(ExitCodes.FAILED);
        assertThat(ok("vm", "list", "-o", "json").json().size()).isZero();
    }

    @Test
    @Order(14)
    void shellCompletionAndHelp() {
        Run c = ok("generate-completion");
        assertThat(c.out()).contains("complete").contains("ftctl").contains("drill");
        Run h = ok("--help");
        assertThat(h.out()).contains("Exit codes:").contains("status").contains("drill");
        assertThat(ok("--version").out().strip()).isEqualTo("ftctl " + io.ftvm.vmm.BuildInfo.version())
                .doesNotContain("dev").matches("ftctl [0-9]+\\.[0-9]+\\.[0-9]+.*");
        assertThat(ok("vm", "start", "--help").out()).contains("--wait").contains("--timeout");
    }

    @Test
    @Order(15)
    void imagesComeFromBuiltInsOrImageDirOnly() throws Exception {
        // a record written past the API (by hand, or before the rule) with a host path: the primary refuses to boot it
        cluster.createVm("rogue", "/etc/passwd", 64, "host-2");
        String refused = cluster.await("rogue", s -> s.state().reason() != null
                && s.state().reason().contains("boot failed"), Duration.ofSeconds(30)).state().reason();
        assertThat(refused).contains("/etc/passwd").contains("absolute path");
        ok("vm", "delete", "rogue");

        // a file in every host's imageDir (default <dataDir>/images) is created, boots and runs to its end
        for (String host : List.of("host-1", "host-2", "host-3")) {
            Files.write(cluster.dir().resolve(host).resolve("data").resolve("images").resolve("hello.elf"),
                    GuestImages.bytes("hello"));
        }
        ok("vm", "create", "from-file", "--image", "hello.elf", "--memory-mib", "16", "--protection", "none");
        ok("vm", "start", "from-file", "--host", "host-3");
        String ended = cluster.await("from-file", s -> s.state().reason() != null
                && s.state().reason().contains("stopped on"), Duration.ofSeconds(30)).state().reason();
        assertThat(ended).contains("the guest stopped on host-3");
        ok("vm", "delete", "from-file");
    }

    @Test
    @Order(16)
    void aLinuxVmIsCreatedFromAVmDescriptionAndProtectedWithItsDisk() throws Exception {
        Path linux = Path.of("..", "guests", "images", "linux");
        for (String host : List.of("host-1", "host-2", "host-3")) {
            Path images = Files.createDirectories(cluster.dir().resolve(host).resolve("data").resolve("images")
                    .resolve("linux"));
            for (String f : List.of("Image", "initramfs.cpio", "disk.ext4")) {
                Files.copy(linux.resolve(f), images.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path spec = Files.writeString(cluster.dir().resolve("web.yaml"), String.join("\n",
                "ram: 128M", "kernel: linux/Image", "initrd: linux/initramfs.cpio", "cmdline: console=ttyS0 quiet",
                "disks:", "  - file: linux/disk.ext4", "nics:", "  - mac: 52:54:00:12:34:99", "    backend: none", ""));
        ok("vm", "create", "web", "--spec", spec.toString());
        JsonNode d = ok("vm", "describe", "web", "-o", "json").json();
        assertThat(d.path("image").asText()).isEqualTo("linux/Image");
        assertThat(d.path("memoryMib").asLong()).isEqualTo(128);
        assertThat(d.path("machine").path("disks").get(0).path("image").asText()).isEqualTo("linux/disk.ext4");
        assertThat(ok("vm", "describe", "web").out()).contains("machine.disk0").contains("linux/disk.ext4")
                .contains("52:54:00:12:34:99 on none");
        // the backup receives the disk with the snapshot, and replays the guest's writes to its own copy
        ok("vm", "start", "web", "--host", "host-1", "--wait", "--timeout", "180s");
        JsonNode p = ok("vm", "describe", "web", "-o", "json").json();
        assertThat(p.path("status").asText()).isEqualTo("PROTECTED");
        String backup = p.path("backup").asText();
        Path copy = cluster.dir().resolve(backup).resolve("data");
        try (var files = Files.walk(copy)) {
            assertThat(files.filter(f -> f.getFileName().toString().equals("disk0.img")).count())
                    .as("the backup's own copy of the disk under " + copy).isEqualTo(1);
        }
        ok("vm", "stop", "web");
        ok("vm", "delete", "web");

        // bad descriptions are refused with the problem named, and nothing is created
        Path missing = Files.writeString(cluster.dir().resolve("missing.yaml"), "kernel: linux/NoSuchImage\n");
        Run r = ftctl("vm", "create", "bad", "--spec", missing.toString());
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("kernel").contains("NoSuchImage");
        Path bridged = Files.writeString(cluster.dir().resolve("bridged.yaml"),
                "kernel: linux/Image\nnics:\n  - backend: bridge\n");
        r = ftctl("vm", "create", "bad", "--spec", bridged.toString());
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("names none (set bridge in its ftd.yaml)");
        Path escape = Files.writeString(cluster.dir().resolve("escape.yaml"), "kernel: ../../ftd.yaml\n");
        r = ftctl("vm", "create", "bad", "--spec", escape.toString());
        assertThat(r.err()).contains("'..'");
        assertThat(ftctl("vm", "create", "bad", "--spec", spec.toString(), "--image", "kvstore").code())
                .isEqualTo(ExitCodes.USAGE);
        assertThat(ftctl("vm", "create", "bad", "--spec", "/no/such.yaml").err()).contains("no such file");
        assertThat(ftctl("vm", "describe", "bad").code()).isNotZero();
    }
}
