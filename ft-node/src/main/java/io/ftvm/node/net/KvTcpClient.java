package io.ftvm.node.net;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A client of the Linux guest's key-value service over one TCP connection, run in its own network namespace by
 * tests, benchmarks and the demo: it connects (retrying while the guest boots), then for i = 0, 1, ... sets key
 * {@code k(i mod 4000)} to {@code vi} and reads it back, until a line arrives on stdin, printing {@code ACK i setMicros getMicros} per pair of requests; then it reads every key's last value back, checks the count,
 * and prints {@code DONE n maxGapMillis}. Any wrong answer, a reset or a 60 s silence prints {@code FAIL reason} and
 * exits with status 1. Never reconnects: the connection must survive. Usage: {@code HOST PORT [PAUSE_MS]} (a pause
 * between pairs of requests).
 */
public final class KvTcpClient {
    /** Keys cycle through k0..k3999 (the guest's store holds 4096). */
    static final int KEYS = 4000;

    private KvTcpClient() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        long pauseMillis = args.length > 2 ? Long.parseLong(args[2]) : 0;
        Thread stdin = new Thread(() -> {
            try {
                System.in.read();
            } catch (IOException ignored) {
                // a closed stdin stops the client too
            }
        });
        stdin.setDaemon(true);
        stdin.start();
        Socket s = null;
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (s == null) {
            try {
                Socket c = new Socket();
                c.connect(new InetSocketAddress(host, port), 2_000);
                s = c;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    out.println("FAIL cannot connect within 120 s: " + e);
                    System.exit(1);
                }
                Thread.sleep(200);
            }
        }
        try {
            s.setSoTimeout(60_000);
            s.setTcpNoDelay(true);
            out.println("CONNECTED");
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream w = s.getOutputStream();
            int n = 0;
            long maxGap = 0;
            while (stdin.isAlive()) {
                long t0 = System.nanoTime();
                expect(in, w, "SET k" + n % KEYS + " v" + n, "OK");
                long t1 = System.nanoTime();
                expect(in, w, "GET k" + n % KEYS, "VALUE v" + n);
                long t2 = System.nanoTime();
                maxGap = Math.max(maxGap, Math.max(t1 - t0, t2 - t1) / 1000);
                out.println("ACK " + n + " " + (t1 - t0) / 1000 + " " + (t2 - t1) / 1000);
                n++;
                if (pauseMillis > 0) {
                    Thread.sleep(pauseMillis);
                }
            }
            for (int i = Math.max(0, n - KEYS); i < n; i++) { // each key's last value
                expect(in, w, "GET k" + i % KEYS, "VALUE v" + i);
            }
            expect(in, w, "COUNT", "COUNT " + Math.min(n, KEYS));
            out.println("DONE " + n + " " + maxGap / 1000);
        } catch (IOException | IllegalStateException e) {
            out.println("FAIL " + e);
            System.exit(1);
        }
        s.close();
    }

    private static void expect(BufferedReader in, OutputStream w, String request, String answer) throws IOException {
        w.write((request + "\n").getBytes(StandardCharsets.US_ASCII));
        w.flush();
        String line = in.readLine();
        if (line == null) {
            throw new IllegalStateException("the connection ended after '" + request + "'");
        }
        if (!line.equals(answer)) {
            throw new IllegalStateException("'" + request + "' answered '" + line + "', expected '" + answer + "'");
        }
    }
}
