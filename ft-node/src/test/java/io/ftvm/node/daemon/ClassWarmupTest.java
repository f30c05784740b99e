package io.ftvm.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The warm-up finds the failover path's classes in directories and jars alike, and loads them. */
class ClassWarmupTest {
    @Test
    void theFailoverPathsClassesAreFoundAndLoaded() {
        ClassLoader loader = ClassWarmupTest.class.getClassLoader();
        List<String> names = ClassWarmup.classNames(loader);
        assertThat(names).contains("io.ftvm.primary.PrimaryRole", "io.ftvm.backup.BackupRole",
                "io.ftvm.replication.console.ConsoleClient", "io.ftvm.node.console.ConsoleServerHandler",
                "io.ftvm.vmm.replay.RecordDriver");
        assertThat(names).allMatch(n -> ClassWarmup.PACKAGES.stream()
                .anyMatch(p -> n.startsWith(p.replace('/', '.')) && n.indexOf('.', p.length()) < 0));
        assertThat(ClassWarmup.run(loader)).isEqualTo(names.size());
    }
}
