package io.ftvm.vmm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The build's version, one string everywhere (ftvm, ftctl and ftd's {@code --version}, the version hosts register, the
 * {@code ftvm_build_info} metric): the Maven project's version, written into {@code build-info.properties} when
 * the module is built.
 */
public final class BuildInfo {
    private static final String VERSION = load();

    private BuildInfo() {
    }

    /** The version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String version() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = BuildInfo.class.getResourceAsStream("build-info.properties")) {
            if (in == null) {
                throw new IllegalStateException("build-info.properties is missing from the classpath: a broken build");
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "");
            if (v.isBlank() || v.contains("${")) {
                throw new IllegalStateException("build-info.properties has no version (was it filtered by Maven?): "
                        + v);
            }
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read build-info.properties", e);
        }
    }
}
