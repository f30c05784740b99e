package io.ftvm.chaos.workload;

import java.util.random.RandomGenerator;

/**
 * The commands a worker sends: {@code set}/{@code get}/{@code del} over a few keys with a value unique to the
 * operation (so a stale or lost write shows in a later {@code get}), {@code incr} over a few counters, and the
 * whole-store reads {@code count}, {@code sum} and {@code list}.
 */
public final class KvCommands {
    private final RandomGenerator random;

    public KvCommands(RandomGenerator random) {
        this.random = random;
    }

    /** The command of operation {@code op} (no newline). */
    public String next(long op) {
        int r = random.nextInt(100);
        String key = "k" + random.nextInt(8);
        if (r < 30) {
            return "set " + key + " v" + op + (random.nextInt(4) == 0 ? " and more" : "");
        }
        if (r < 55) {
            return "get " + (random.nextInt(5) == 0 ? "c" + random.nextInt(3) : key);
        }
        if (r < 63) {
            return "del " + key;
        }
        if (r < 85) {
            return "incr c" + random.nextInt(3) + " " + (random.nextInt(2001) - 1000);
        }
        if (r < 92) {
            return "count";
        }
        if (r < 97) {
            return "sum";
        }
        return "list";
    }

    /** Whether the answer to {@code command} is several lines ending with {@code end}. */
    public static boolean multiLine(String command) {
        return command.equals("list");
    }
}
