package io.ftvm.vmm.differential;

import static org.assertj.core.api.Assertions.assertThat;

import io.ftvm.vmm.cpu.CpuObserver;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same image run twice gives identical console output, exit status and instruction count at exit; and the
 * interpreter alone gives exactly what block translation gives.
 */
class DeterminismIT {
    static Stream<Path> images() throws IOException {
        return GuestImages.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void twoRunsAreIdentical(Path image) throws Exception {
        GuestRun first = GuestRun.of(image, CpuObserver.NONE);
        GuestRun second = GuestRun.of(image, CpuObserver.NONE);
        assertThat(second.console()).isEqualTo(first.console());
        assertThat(second.exitCode()).isEqualTo(first.exitCode());
        assertThat(second.icount()).isEqualTo(first.icount());
        assertThat(second.reason()).isEqualTo(first.reason());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void interpreterAndTranslationAgree(Path image) throws Exception {
        GuestRun translated = GuestRun.of(image, CpuObserver.NONE, true);
        GuestRun interpreted = GuestRun.of(image, CpuObserver.NONE, false);
        assertThat(interpreted.console()).isEqualTo(translated.console());
        assertThat(interpreted.exitCode()).isEqualTo(translated.exitCode());
        assertThat(interpreted.icount()).isEqualTo(translated.icount());
        assertThat(interpreted.reason()).isEqualTo(translated.reason());
    }
}
