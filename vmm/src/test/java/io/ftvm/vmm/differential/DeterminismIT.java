package io.ftvm.vmm.differential;

import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.vmm.cpu.CpuObserver;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same image run twice gives identical console output, exit status, instruction count and state digest at
 * exit; and the interpreter alone gives exactly what block translation gives. For interactive images the second
 * run is a replay of the first one's recording (their input timing is real time, so only a replay repeats it).
 */
class DeterminismIT {
    static Stream<Path> images() throws IOException {
        return GuestImages.all().stream();
    }

    private static GuestRun again(Path image, GuestRun first, boolean translate) throws Exception {
        if (first.recording().isPresent()) {
            return GuestRun.replay(image, first.recording().get(), translate);
        }
        return GuestRun.of(image, CpuObserver.NONE, translate);
    }

    private static void assertSame(GuestRun a, GuestRun b) {
        assertThat(b.console()).isEqualTo(a.console());
        assertThat(b.exitCode()).isEqualTo(a.exitCode());
        assertThat(b.icount()).isEqualTo(a.icount());
        assertThat(b.reason()).isEqualTo(a.reason());
        assertThat(b.digest()).as("state digest at exit").isEqualTo(a.digest());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void twoRunsAreIdentical(Path image) throws Exception {
        GuestRun first = GuestRun.of(image, CpuObserver.NONE, true);
        assertSame(first, again(image, first, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void interpreterAndTranslationAgree(Path image) throws Exception {
        GuestRun translated = GuestRun.of(image, CpuObserver.NONE, true);
        assertSame(translated, again(image, translated, false));
    }
}
