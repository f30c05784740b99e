package io.ftvm.chaos.check;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * A sequential model of the kvstore guest (its protocol is in {@code guests/src/kvstore.c}) for the commands the
 * workers send: {@code apply} changes the model's store and returns the answer lines the guest must print. Keys
 * are kept in byte order; the checksum is FNV-1a 64 over {@code key\0value\0} of every pair, as the guest's.
 */
public final class KvModel {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    /** Keys in byte order (the keys are ASCII, where String order is byte order). */
    private final TreeMap<String, String> store = new TreeMap<>();

    /** Applies {@code command} (one line, no newline) and returns the expected answer. */
    public List<String> apply(String command) {
        String line = command.strip();
        String[] t = line.split(" +", 3);
        switch (t[0]) {
            case "set": {
                String value = t[2];
                store.put(t[1], value);
                return List.of("OK sum=" + hex(checksum()));
            }
            case "get": {
                String v = store.get(t[1]);
                return List.of(v == null ? "NOT_FOUND" : "VALUE " + v);
            }
            case "del":
                return List.of(store.remove(t[1]) == null ? "NOT_FOUND" : "OK sum=" + hex(checksum()));
            case "incr": {
                String old = store.get(t[1]);
                long v;
                try {
                    v = (old == null ? 0 : Long.parseLong(old)) + Long.parseLong(t[2]);
                } catch (NumberFormatException e) {
                    return List.of("ERR value is not an integer");
                }
                store.put(t[1], Long.toString(v));
                return List.of("VALUE " + v + " sum=" + hex(checksum()));
            }
            case "count":
                return List.of("COUNT " + store.size());
            case "sum":
                return List.of("SUM " + hex(checksum()));
            case "list": {
                List<String> out = new ArrayList<>();
                for (String k : store.keySet()) {
                    out.add("KEY " + k);
                }
                out.add("end");
                return out;
            }
            default:
                throw new IllegalArgumentException("the model does not know '" + command + "'");
        }
    }

    private long checksum() {
        long h = FNV_OFFSET;
        for (var e : store.entrySet()) {
            h = fnv(h, e.getKey());
            h = fnv(h, e.getValue());
        }
        return h;
    }

    private static long fnv(long h, String s) {
        for (byte b : s.getBytes(StandardCharsets.ISO_8859_1)) {
            h ^= b & 0xff;
            h *= FNV_PRIME;
        }
        return h * FNV_PRIME; // the terminating NUL: h ^= 0, then multiply
    }

    private static String hex(long h) {
        return String.format(Locale.ROOT, "%016x", h);
    }
}
