package io.ftvm.vmm.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ftvm.vmm.board.MachineConfig;
import io.ftvm.vmm.board.VirtioSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a {@link VmSpec} from YAML, strictly: one mapping; unknown or duplicate keys, values of the wrong type,
 * sizes out of range, bad MAC addresses and files that do not exist are refused with a message naming the key.
 *
 * <pre>
 * name: web1                       # optional (default: the file's name)
 * ram: 256M                        # bytes, or a size with K, M or G (default 128M)
 * kernel: Image                    # required: a RISC-V Linux Image
 * initrd: initramfs.cpio           # optional
 * cmdline: console=ttyS0 quiet     # optional
 * firmware: builtin                # builtin (default) or an M-mode firmware image such as fw_dynamic.bin
 * entropy: true                    # a virtio RNG (default true)
 * disks:                           # optional, in order: vda, vdb, ...
 *   - file: disk.ext4
 *     readOnly: false              # optional (default false)
 * nics:                            # optional, at most one
 *   - mac: 52:54:00:12:34:56
 *     backend: none                # none: link down; bridge: a TAP on the host's bridge (ftd only)
 * </pre>
 */
public final class VmSpecLoader {
    /** Turns a file name in a description into the file it means, or refuses it. */
    @FunctionalInterface
    public interface FileResolver {
        /**
         * @param key   the description's key (for messages), e.g. {@code disks[0].file}
         * @param value the name as written (not empty)
         */
        Path resolve(String key, String value) throws VmSpecException;
    }

    /** A description is a few hundred bytes. */
    public static final int MAX_BYTES = 64 * 1024;
    private static final Set<String> TOP = Set.of("name", "ram", "kernel", "initrd", "cmdline", "firmware", "entropy",
            "disks", "nics");
    private static final Set<String> DISK = Set.of("file", "readOnly");
    private static final Set<String> NIC = Set.of("mac", "backend");

    private final ObjectMapper mapper = new ObjectMapper(YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final Set<String> backends;

    /** A loader for a single host ({@code bin/ftvm}): NICs may only be {@code none}. */
    public VmSpecLoader() {
        this(Set.of("none"));
    }

    /** A loader that accepts NIC backends {@code backends} (ftd also offers {@code bridge}). */
    public VmSpecLoader(Set<String> backends) {
        this.backends = Set.copyOf(backends);
    }

    /** Reads and checks {@code file}; relative paths in it are taken from its directory. */
    public VmSpec load(Path file) throws VmSpecException {
        String text;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new VmSpecException(file + ": larger than " + MAX_BYTES + " bytes; not a VM description");
            }
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new VmSpecException(file + ": no such file");
        } catch (IOException e) {
            throw new VmSpecException(file + ": cannot be read: " + e.getMessage());
        }
        Path base = file.toAbsolutePath().getParent();
        String defaultName = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
        return parse(file.toString(), text, base, defaultName);
    }

    /** Parses {@code text}; {@code where} names it in messages. */
    public VmSpec parse(String where, String text, Path base, String defaultName) throws VmSpecException {
        return parse(where, text, (key, value) -> file(where, key, value, base), defaultName);
    }

    /** Parses {@code text}, naming files through {@code files}; {@code where} names it in messages. */
    public VmSpec parse(String where, String text, FileResolver files, String defaultName) throws VmSpecException {
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new VmSpecException(where + ": not valid YAML: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new VmSpecException(where + ": a VM description is a YAML mapping (kernel: ..., ram: ...)");
        }
        checkKeys(where, "", root, TOP);
        String name = text(where, root, "name", defaultName);
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
            throw new VmSpecException(where + ": name '" + name + "': use 1 to 63 letters, digits, '.', '_' or '-'");
        }
        long ram = size(where, root.get("ram"));
        if (!root.has("kernel")) {
            throw new VmSpecException(where + ": kernel: missing (the RISC-V Linux Image to boot)");
        }
        Path kernel = resolve(files, where, "kernel", text(where, root, "kernel", null));
        Path initrd = root.has("initrd") ? resolve(files, where, "initrd", text(where, root, "initrd", null)) : null;
        String cmdline = text(where, root, "cmdline", "");
        String fw = text(where, root, "firmware", "builtin");
        Path firmware = fw.equals("builtin") ? null : resolve(files, where, "firmware", fw);
        boolean entropy = bool(where, root, "entropy", true);
        List<VmSpec.Disk> disks = new ArrayList<>();
        for (JsonNode d : list(where, root, "disks")) {
            String key = "disks[" + disks.size() + "]";
            checkKeys(where, key + ".", d, DISK);
            if (!d.has("file")) {
                throw new VmSpecException(where + ": " + key + ".file: missing");
            }
            disks.add(new VmSpec.Disk(resolve(files, where, key + ".file", text(where, d, "file", null)),
                    bool(where, d, "readOnly", false)));
        }
        List<VmSpec.Nic> nics = new ArrayList<>();
        for (JsonNode n : list(where, root, "nics")) {
            String key = "nics[" + nics.size() + "]";
            checkKeys(where, key + ".", n, NIC);
            long mac;
            try {
                mac = VirtioSpec.nic(VirtioSpec.parseMac(text(where, n, "mac", "52:54:00:12:34:56")), false).mac();
            } catch (IllegalArgumentException e) {
                throw new VmSpecException(where + ": " + key + ".mac: " + e.getMessage());
            }
            String backend = text(where, n, "backend", "none");
            if (!backends.contains(backend)) {
                throw new VmSpecException(where + ": " + key + ".backend: '" + backend + "' is not a backend this "
                        + (backends.contains("bridge") ? "host offers (bridge: a TAP device on the host's bridge; "
                        : "tool offers (bridge is for VMs protected by ftd; ") + "none: link down)");
            }
            nics.add(new VmSpec.Nic(mac, backend));
        }
        if (nics.size() > 1) {
            throw new VmSpecException(where + ": nics: " + nics.size() + " network interfaces; the board has one");
        }
        if (disks.size() + nics.size() + (entropy ? 1 : 0) > io.ftvm.vmm.board.MemoryMap.VIRTIO_SLOTS) {
            throw new VmSpecException(where + ": disks: more virtio devices than the board's "
                    + io.ftvm.vmm.board.MemoryMap.VIRTIO_SLOTS + " slots");
        }
        return new VmSpec(name, ram, kernel, initrd, cmdline, firmware, disks, nics, entropy);
    }

    private static void checkKeys(String where, String prefix, JsonNode node, Set<String> known)
            throws VmSpecException {
        if (!node.isObject()) {
            throw new VmSpecException(where + ": " + (prefix.isEmpty() ? "the document" : prefix.substring(0,
                    prefix.length() - 1)) + ": expected a mapping");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) {
                throw new VmSpecException(where + ": " + prefix + k + ": unknown key (known: "
                        + String.join(", ", new java.util.TreeSet<>(known)) + ")");
            }
        }
    }

    private static String text(String where, JsonNode node, String key, String dflt) throws VmSpecException {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            if (dflt == null) {
                throw new VmSpecException(where + ": " + key + ": missing");
            }
            return dflt;
        }
        if (!v.isTextual()) {
            throw new VmSpecException(where + ": " + key + ": expected text, got " + v.getNodeType()
                    .toString().toLowerCase(Locale.ROOT) + " " + v);
        }
        return v.asText();
    }

    private static boolean bool(String where, JsonNode node, String key, boolean dflt) throws VmSpecException {
        JsonNode v = node.get(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw new VmSpecException(where + ": " + key + ": expected true or false, got " + v);
        }
        return v.booleanValue();
    }

    private static List<JsonNode> list(String where, JsonNode node, String key) throws VmSpecException {
        JsonNode v = node.get(key);
        List<JsonNode> all = new ArrayList<>();
        if (v == null || v.isNull()) {
            return all;
        }
        if (!v.isArray()) {
            throw new VmSpecException(where + ": " + key + ": expected a list");
        }
        v.forEach(all::add);
        return all;
    }

    private static Path resolve(FileResolver files, String where, String key, String value)
            throws VmSpecException {
        if (value.isEmpty()) {
            throw new VmSpecException(where + ": " + key + ": empty path");
        }
        return files.resolve(key, value);
    }

    private static Path file(String where, String key, String value, Path base) throws VmSpecException {
        Path p = base.resolve(value).normalize();
        if (!Files.isRegularFile(p)) {
            throw new VmSpecException(where + ": " + key + ": " + p + (Files.exists(p) ? " is not a regular file"
                    : " does not exist"));
        }
        return p;
    }

    /** A RAM size: an integer number of bytes or a number with K, M or G; must suit {@link MachineConfig}. */
    private static long size(String where, JsonNode v) throws VmSpecException {
        if (v == null) {
            return MachineConfig.DEFAULT_RAM;
        }
        long bytes;
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            bytes = v.longValue();
        } else if (v.isTextual() && v.asText().matches("[0-9]{1,7}[KkMmGg]?")) {
            String t = v.asText();
            char unit = Character.toUpperCase(t.charAt(t.length() - 1));
            long n = Long.parseLong(Character.isDigit(unit) ? t : t.substring(0, t.length() - 1));
            bytes = n << (unit == 'K' ? 10 : unit == 'M' ? 20 : unit == 'G' ? 30 : 0);
        } else {
            throw new VmSpecException(where + ": ram: " + v + " is not a size (bytes, or a number with K, M or G)");
        }
        try {
            return MachineConfig.defaults().withRam(bytes).ramBytes();
        } catch (IllegalArgumentException e) {
            throw new VmSpecException(where + ": ram: " + e.getMessage());
        }
    }

    /** The machine configuration the spec needs (devices in slot order: disks, then the RNG, then the NIC). */
    public static MachineConfig machineConfig(VmSpec spec) {
        List<VirtioSpec> devices = new ArrayList<>();
        for (VmSpec.Disk d : spec.disks()) {
            devices.add(VirtioSpec.disk(d.readOnly()));
        }
        if (spec.entropy()) {
            devices.add(VirtioSpec.entropy());
        }
        for (VmSpec.Nic n : spec.nics()) {
            devices.add(VirtioSpec.nic(n.mac(), n.backend().equals("bridge")));
        }
        return MachineConfig.defaults().withRam(spec.ramBytes()).withVirtio(devices)
                .withFirmware(spec.firmware() == null ? MachineConfig.Firmware.BUILTIN_SBI
                        : MachineConfig.Firmware.NONE);
    }
}
