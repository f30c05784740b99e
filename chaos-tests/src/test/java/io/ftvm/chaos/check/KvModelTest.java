package io.ftvm.chaos.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.chaos.workload.KvCommands;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The model answers exactly as the real guest does: checked against a reference run of the guest. */
class KvModelTest {

    @Test
    void theModelAnswersLikeTheGuestForTheWorkersCommands() {
        for (long seed = 1; seed <= 3; seed++) {
            KvCommands commands = new KvCommands(new SplittableRandom(seed));
            KvModel model = new KvModel();
            StringBuilder input = new StringBuilder();
            List<String> expected = new ArrayList<>(List.of("kvstore ready"));
            for (long op = 1; op <= 400; op++) {
                String c = commands.next(op);
                input.append(c).append('\n');
                expected.addAll(model.apply(c));
            }
            String out = ReferenceOutput.of("kvstore", 32, input.toString().getBytes(StandardCharsets.US_ASCII));
            assertThat(out.split("\n")).as("seed %d", seed).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void aStaleReadIsNotWhatTheModelSays() {
        KvModel model = new KvModel();
        model.apply("set k1 v1");
        model.apply("set k1 v2");
        assertThat(model.apply("get k1")).containsExactly("VALUE v2");
        assertThat(model.apply("del k1")).hasSize(1).allMatch(l -> l.startsWith("OK sum="));
        assertThat(model.apply("get k1")).containsExactly("NOT_FOUND");
        assertThat(model.apply("incr c0 5")).containsExactly("VALUE 5 sum=" + sumOf("c0", "5"));
    }

    /** The guest's checksum of a store holding one pair. */
    private static String sumOf(String key, String value) {
        long h = 0xcbf29ce484222325L;
        for (String s : new String[] {key, value}) {
            for (byte b : (s + "\0").getBytes(StandardCharsets.US_ASCII)) {
                h ^= b & 0xff;
                h *= 0x100000001b3L;
            }
        }
        return String.format("%016x", h);
    }
}
