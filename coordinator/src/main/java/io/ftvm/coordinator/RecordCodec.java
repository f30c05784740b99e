package io.ftvm.coordinator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The one place where records become znode data and back: compact UTF-8 JSON objects that start with
 * {@code "format": 1} and {@code "kind"} ({@code ftvm.vm-spec}, {@code ftvm.vm-state}, {@code ftvm.host}, {@code ftvm.endpoint}). Decoding is
 * strict: anything that is not exactly a format-1 record of the expected kind (garbage, another kind, an unknown
 * format, a missing, extra, duplicated or mistyped field, a value the record rejects) is a
 * {@link RecordFormatException} naming the znode path and the problem. A future format 2 is refused by this version
 * with a message saying so, never half-read.
 */
public final class RecordCodec {
    /** The record format this version writes and reads. */
    public static final int FORMAT = 1;
    static final String KIND_SPEC = "ftvm.vm-spec";
    static final String KIND_STATE = "ftvm.vm-state";
    static final String KIND_HOST = "ftvm.host";
    static final String KIND_ENDPOINT = "ftvm.endpoint";

    private static final Set<String> SPEC_FIELDS = Set.of("format", "kind", "image", "memoryMib", "devices", "protection",
            "linux");
    private static final Set<String> LINUX_FIELDS = Set.of("kernel", "initrd", "cmdline", "firmware", "disks", "nics",
            "entropy");
    private static final Set<String> DISK_FIELDS = Set.of("image", "readOnly");
    private static final Set<String> NIC_FIELDS = Set.of("mac", "backend");
    private static final Set<String> STATE_FIELDS = Set.of("format", "kind", "epoch", "status", "primary",
            "primarySince", "backup", "backupSince", "reason");
    private static final Set<String> HOST_FIELDS = Set.of("format", "kind", "hostId", "address", "capacityMib",
            "version", "admin", "zone", "tls", "bridge");

    private static final Set<String> ENDPOINT_FIELDS = Set.of("format", "kind", "address", "pairKey");

    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    public byte[] encodeSpec(VmSpec spec) {
        ObjectNode n = header(KIND_SPEC);
        n.put("image", spec.image());
        n.put("memoryMib", spec.memoryMib());
        ArrayNode devices = n.putArray("devices");
        spec.devices().forEach(devices::add);
        n.put("protection", spec.protection().name());
        LinuxMachine l = spec.linux();
        if (l != null) {
            ObjectNode m = n.putObject("linux");
            m.put("kernel", l.kernel());
            m.put("initrd", l.initrd());
            m.put("cmdline", l.cmdline());
            m.put("firmware", l.firmware());
            ArrayNode disks = m.putArray("disks");
            l.disks().forEach(d -> disks.addObject().put("image", d.image()).put("readOnly", d.readOnly()));
            ArrayNode nics = m.putArray("nics");
            l.nics().forEach(c -> nics.addObject().put("mac", c.mac()).put("backend", c.backend()));
            m.put("entropy", l.entropy());
        }
        return write(n);
    }

    public byte[] encodeState(VmState state) {
        ObjectNode n = header(KIND_STATE);
        n.put("epoch", state.epoch());
        n.put("status", state.status().name());
        n.put("primary", state.primary());
        n.put("primarySince", state.primarySince());
        n.put("backup", state.backup());
        n.put("backupSince", state.backupSince());
        n.put("reason", state.reason());
        return write(n);
    }

    public byte[] encodeHost(HostInfo host) {
        ObjectNode n = header(KIND_HOST);
        n.put("hostId", host.hostId());
        n.put("address", host.address());
        n.put("capacityMib", host.capacityMib());
        n.put("version", host.version());
        if (host.zone() != null) {
            n.put("zone", host.zone());
        }
        if (host.admin() != null) {
            n.put("admin", host.admin());
        }
        n.put("tls", host.tls());
        if (host.bridge()) {
            n.put("bridge", true);
        }
        return write(n);
    }

    public byte[] encodeEndpoint(Endpoint e) {
        ObjectNode n = header(KIND_ENDPOINT);
        n.put("address", e.address());
        n.put("pairKey", e.pairKey());
        return write(n);
    }

    public Endpoint decodeEndpoint(String path, byte[] data) {
        Reader r = open(path, data, KIND_ENDPOINT, ENDPOINT_FIELDS);
        String address = r.text("address", false);
        String key = r.text("pairKey", false);
        return r.build(() -> new Endpoint(address, key));
    }

    public VmSpec decodeSpec(String path, byte[] data) {
        Reader r = open(path, data, KIND_SPEC, SPEC_FIELDS);
        JsonNode devicesNode = r.required("devices");
        if (!devicesNode.isArray()) {
            throw r.fail("field 'devices' must be an array of strings");
        }
        List<String> devices = new ArrayList<>();
        for (JsonNode d : devicesNode) {
            if (!d.isTextual()) {
                throw r.fail("field 'devices' must be an array of strings");
            }
            devices.add(d.textValue());
        }
        String image = r.text("image", false);
        long memory = r.integer("memoryMib");
        DesiredProtection protection = r.enumValue("protection", DesiredProtection.class);
        LinuxMachine linux = r.root.has("linux") ? decodeLinux(r, r.root.get("linux")) : null;
        return r.build(() -> new VmSpec(image, memory, devices, protection, linux));
    }

    private static LinuxMachine decodeLinux(Reader outer, JsonNode node) {
        Reader r = outer.nested("linux", node, LINUX_FIELDS);
        String kernel = r.text("kernel", false);
        String initrd = r.text("initrd", true);
        String cmdline = r.text("cmdline", false);
        String firmware = r.text("firmware", true);
        boolean entropy = r.bool("entropy");
        List<LinuxMachine.Disk> disks = new ArrayList<>();
        for (JsonNode d : r.array("disks")) {
            Reader dr = r.nested("linux.disks[" + disks.size() + "]", d, DISK_FIELDS);
            String image = dr.text("image", false);
            boolean ro = dr.bool("readOnly");
            disks.add(dr.build(() -> new LinuxMachine.Disk(image, ro)));
        }
        List<LinuxMachine.Nic> nics = new ArrayList<>();
        for (JsonNode c : r.array("nics")) {
            Reader cr = r.nested("linux.nics[" + nics.size() + "]", c, NIC_FIELDS);
            String mac = cr.text("mac", false);
            String backend = cr.text("backend", false);
            nics.add(cr.build(() -> new LinuxMachine.Nic(mac, backend)));
        }
        return r.build(() -> new LinuxMachine(kernel, initrd, cmdline, firmware, disks, nics, entropy));
    }

    public VmState decodeState(String path, byte[] data) {
        Reader r = open(path, data, KIND_STATE, STATE_FIELDS);
        long epoch = r.integer("epoch");
        VmStatus status = r.enumValue("status", VmStatus.class);
        String primary = r.text("primary", true);
        long primarySince = r.integer("primarySince");
        String backup = r.text("backup", true);
        long backupSince = r.integer("backupSince");
        String reason = r.text("reason", false);
        return r.build(() -> new VmState(epoch, status, primary, primarySince, backup, backupSince, reason));
    }

    public HostInfo decodeHost(String path, byte[] data) {
        Reader r = open(path, data, KIND_HOST, HOST_FIELDS);
        String hostId = r.text("hostId", false);
        String address = r.text("address", false);
        long capacity = r.integer("capacityMib");
        String version = r.text("version", false);
        String admin = r.optionalText("admin");
        String zone = r.optionalText("zone");
        boolean tls = r.optionalBoolean("tls");
        boolean bridge = r.optionalBoolean("bridge");
        return r.build(() -> new HostInfo(hostId, address, capacity, version, admin, zone, tls, bridge));
    }

    private ObjectNode header(String kind) {
        ObjectNode n = mapper.createObjectNode();
        n.put("format", FORMAT);
        n.put("kind", kind);
        return n;
    }

    private byte[] write(ObjectNode n) {
        try {
            return mapper.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + n, e);
        }
    }

    private Reader open(String path, byte[] data, String kind, Set<String> fields) {
        if (data == null || data.length == 0) {
            throw new RecordFormatException(path, "empty znode (expected a " + kind + " record)");
        }
        JsonNode root;
        try {
            root = mapper.readTree(data);
        } catch (JsonProcessingException e) {
            throw new RecordFormatException(path, "not JSON (" + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw new RecordFormatException(path, "not JSON (" + e.getMessage() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new RecordFormatException(path, "not a JSON object (expected a " + kind + " record)");
        }
        Reader r = new Reader(path, root);
        JsonNode format = root.get("format");
        if (format == null || !format.isIntegralNumber()) {
            throw r.fail("no integer 'format' field: not an ftvm record");
        }
        if (format.asLong() != FORMAT) {
            throw r.fail("record format " + format.asText() + " is not supported (this version reads format " + FORMAT
                    + ")");
        }
        String actualKind = r.text("kind", false);
        if (!kind.equals(actualKind)) {
            throw r.fail("expected a " + kind + " record, found kind '" + actualKind + "'");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!fields.contains(name)) {
                throw r.fail("unknown field '" + name + "' in a format-" + FORMAT + " " + kind + " record");
            }
        }
        return r;
    }

    /** Typed field access that fails with the znode path and the field name. */
    private static final class Reader {
        private final String path;
        private final JsonNode root;

        Reader(String path, JsonNode root) {
            this.path = path;
            this.root = root;
        }

        RecordFormatException fail(String problem) {
            return new RecordFormatException(path, prefix + problem);
        }

        private String prefix = "";

        /** A reader of the object {@code node} at {@code where} inside this record, with exactly known fields. */
        Reader nested(String where, JsonNode node, Set<String> fields) {
            if (node == null || !node.isObject()) {
                throw fail("field '" + where + "' must be an object");
            }
            Reader r = new Reader(path, node);
            r.prefix = prefix + where + ": ";
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!fields.contains(name)) {
                    throw r.fail("unknown field '" + name + "'");
                }
            }
            return r;
        }

        boolean bool(String field) {
            JsonNode n = required(field);
            if (!n.isBoolean()) {
                throw fail("field '" + field + "' must be true or false, was " + n);
            }
            return n.booleanValue();
        }

        Iterable<JsonNode> array(String field) {
            JsonNode n = required(field);
            if (!n.isArray()) {
                throw fail("field '" + field + "' must be an array");
            }
            return n;
        }

        JsonNode required(String field) {
            JsonNode n = root.get(field);
            if (n == null) {
                throw fail("missing field '" + field + "'");
            }
            return n;
        }

        long integer(String field) {
            JsonNode n = required(field);
            if (!n.isIntegralNumber() || !n.canConvertToLong()) {
                throw fail("field '" + field + "' must be an integer, was " + n);
            }
            return n.longValue();
        }

        String text(String field, boolean nullable) {
            JsonNode n = required(field);
            if (nullable && n.isNull()) {
                return null;
            }
            if (!n.isTextual()) {
                throw fail("field '" + field + "' must be a string" + (nullable ? " or null" : "") + ", was " + n);
            }
            return n.textValue();
        }

        /** A boolean field that may be absent (false then). */
        boolean optionalBoolean(String field) {
            if (!root.has(field)) {
                return false;
            }
            JsonNode n = root.get(field);
            if (!n.isBoolean()) {
                throw fail("field '" + field + "' must be true or false, was " + n);
            }
            return n.booleanValue();
        }

        /** A string field that may be absent (null then). */
        String optionalText(String field) {
            return root.has(field) ? text(field, false) : null;
        }

        <E extends Enum<E>> E enumValue(String field, Class<E> type) {
            String s = text(field, false);
            try {
                return Enum.valueOf(type, s);
            } catch (IllegalArgumentException e) {
                throw fail("field '" + field + "' has unknown value '" + s + "'");
            }
        }

        <T> T build(java.util.function.Supplier<T> constructor) {
            try {
                return constructor.get();
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new RecordFormatException(path, prefix + "invalid record: " + e.getMessage(), e);
            }
        }
    }
}
