package io.ftvm.vmm.board;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a flattened device tree blob (the devicetree specification's DTB, version 17): a header, an empty memory
 * reservation block, the structure block (nodes and properties, big-endian, 4-byte aligned) and the strings block
 * (property names, each once). Nodes are built with {@link Node}; the tree is serialized by {@link #toBytes}.
 */
public final class FdtWriter {
    private static final int MAGIC = 0xd00dfeed;
    private static final int BEGIN_NODE = 1;
    private static final int END_NODE = 2;
    private static final int PROP = 3;
    private static final int END = 9;
    private static final int HEADER = 40;

    /** A node: properties in the order added, then child nodes. */
    public static final class Node {
        private final String name;
        private final Map<String, byte[]> properties = new LinkedHashMap<>();
        private final List<Node> children = new ArrayList<>();

        Node(String name) {
            if (name.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("node name contains NUL: " + name);
            }
            this.name = name;
        }

        /** Adds and returns a child node. */
        public Node child(String childName) {
            Node n = new Node(childName);
            children.add(n);
            return n;
        }

        /** A property of 32-bit cells. */
        public Node cells(String property, long... values) {
            ByteBuffer b = ByteBuffer.allocate(4 * values.length);
            for (long v : values) {
                if (v < 0 || v > 0xffff_ffffL) {
                    throw new IllegalArgumentException(property + ": cell " + v + " does not fit 32 bits");
                }
                b.putInt((int) v);
            }
            return bytes(property, b.array());
        }

        /** A property of 64-bit values, each as two cells (for #address-cells = #size-cells = 2). */
        public Node pairs(String property, long... values) {
            ByteBuffer b = ByteBuffer.allocate(8 * values.length);
            for (long v : values) {
                b.putLong(v);
            }
            return bytes(property, b.array());
        }

        /** A string property (several strings: a string list). */
        public Node strings(String property, String... values) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (String s : values) {
                if (s.indexOf('\0') >= 0) {
                    throw new IllegalArgumentException(property + ": string contains NUL");
                }
                out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
                out.write(0);
            }
            return bytes(property, out.toByteArray());
        }

        /** A property without a value. */
        public Node flag(String property) {
            return bytes(property, new byte[0]);
        }

        public Node bytes(String property, byte[] value) {
            properties.put(property, value.clone());
            return this;
        }
    }

    private final Node root = new Node("");
    private final int bootCpu;

    public FdtWriter(int bootCpu) {
        this.bootCpu = bootCpu;
    }

    public Node root() {
        return root;
    }

    /** The blob. */
    public byte[] toBytes() {
        ByteArrayOutputStream structure = new ByteArrayOutputStream();
        Map<String, Integer> nameOffsets = new LinkedHashMap<>();
        ByteArrayOutputStream strings = new ByteArrayOutputStream();
        write(root, structure, nameOffsets, strings);
        word(structure, END);
        byte[] struct = structure.toByteArray();
        byte[] str = strings.toByteArray();
        int reserve = HEADER;
        int structOffset = reserve + 16;
        int stringsOffset = structOffset + struct.length;
        int total = align(stringsOffset + str.length);
        ByteBuffer b = ByteBuffer.allocate(total);
        b.putInt(MAGIC).putInt(total).putInt(structOffset).putInt(stringsOffset).putInt(reserve).putInt(17).putInt(16)
                .putInt(bootCpu).putInt(str.length).putInt(struct.length);
        b.putLong(0).putLong(0); // the memory reservation block: its terminating entry
        b.put(struct).put(str);
        return b.array();
    }

    private static void write(Node n, ByteArrayOutputStream out, Map<String, Integer> offsets,
            ByteArrayOutputStream strings) {
        word(out, BEGIN_NODE);
        byte[] name = n.name.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(name);
        zeros(out, align(name.length + 1) - name.length); // the terminating NUL and the padding
        for (Map.Entry<String, byte[]> p : n.properties.entrySet()) {
            Integer offset = offsets.get(p.getKey());
            if (offset == null) {
                offset = strings.size();
                offsets.put(p.getKey(), offset);
                strings.writeBytes(p.getKey().getBytes(StandardCharsets.UTF_8));
                strings.write(0);
            }
            word(out, PROP);
            word(out, p.getValue().length);
            word(out, offset);
            out.writeBytes(p.getValue());
            zeros(out, align(p.getValue().length) - p.getValue().length);
        }
        for (Node c : n.children) {
            write(c, out, offsets, strings);
        }
        word(out, END_NODE);
    }

    private static void word(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }

    private static void zeros(ByteArrayOutputStream out, int count) {
        for (int i = 0; i < count; i++) {
            out.write(0);
        }
    }

    private static int align(int n) {
        return (n + 3) & ~3;
    }
}
