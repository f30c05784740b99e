package io.ftvm.node.daemon;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads ftvm's own classes of the paths a failover takes, on a background thread once ftd is up, so
 * that the first takeover or switchover on a host does not pay for loading them (tens of milliseconds, in the middle
 * of the client-visible stall). Only {@code io.ftvm} classes of the listed packages are touched, and none is
 * initialised here: static initialisers run where they always did, so no class-initialisation lock is taken by this
 * thread while ftd serves.
 */
final class ClassWarmup {
    private static final Logger LOG = LoggerFactory.getLogger(ClassWarmup.class);
    /** The packages a takeover, a switchover and a console reconnection run through. */
    static final List<String> PACKAGES = List.of("io/ftvm/primary/", "io/ftvm/backup/", "io/ftvm/vmm/replay/",
            "io/ftvm/replication/", "io/ftvm/replication/console/", "io/ftvm/coordinator/", "io/ftvm/node/console/");

    private ClassWarmup() {
    }

    /** Starts the warm-up on a daemon thread of the lowest priority. */
    static void start(ClassLoader loader) {
        Thread t = new Thread(() -> run(loader), "ftd-class-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /** Loads every class of {@link #PACKAGES} found where {@code loader} finds ftvm's classes; returns how many. */
    static int run(ClassLoader loader) {
        long t0 = System.nanoTime();
        int loaded = 0;
        for (String name : classNames(loader)) {
            try {
                Class.forName(name, false, loader); // loaded, not initialised: no class-init lock taken here
                loaded++;
            } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
                LOG.debug("warm-up: {} not loaded: {}", name, e.toString());
            }
        }
        LOG.debug("warm-up: {} classes loaded in {} ms", loaded, (System.nanoTime() - t0) / 1_000_000);
        return loaded;
    }

    /** The binary names of the classes of {@link #PACKAGES} in the classpath entries holding them. */
    static List<String> classNames(ClassLoader loader) {
        List<String> names = new ArrayList<>();
        for (String pkg : PACKAGES) {
            try {
                Enumeration<java.net.URL> roots = loader.getResources(pkg);
                while (roots.hasMoreElements()) {
                    collect(roots.nextElement(), pkg, names);
                }
            } catch (IOException | URISyntaxException e) {
                LOG.debug("warm-up: cannot list {}: {}", pkg, e.toString());
            }
        }
        return names;
    }

    private static void collect(java.net.URL root, String pkg, List<String> names)
            throws IOException, URISyntaxException {
        if (root.getProtocol().equals("file")) {
            Path dir = Path.of(root.toURI());
            try (Stream<Path> files = Files.list(dir)) {
                files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".class"))
                        .forEach(f -> names.add((pkg + f.substring(0, f.length() - 6)).replace('/', '.')));
            }
        } else if (root.getProtocol().equals("jar")) {
            String path = root.getPath(); // file:/x/y.jar!/io/ftvm/primary/
            String jar = path.substring(0, path.indexOf("!/"));
            try (JarFile j = new JarFile(Path.of(new java.net.URI(jar)).toFile())) {
                for (Enumeration<JarEntry> e = j.entries(); e.hasMoreElements();) {
                    String n = e.nextElement().getName();
                    if (n.startsWith(pkg) && n.endsWith(".class") && n.indexOf('/', pkg.length()) < 0) {
                        names.add(n.substring(0, n.length() - 6).replace('/', '.'));
                    }
                }
            }
        }
    }
}
