package io.ftvm.vmm.board;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The blob's layout as the devicetree specification (chapter 5) gives it: the header fields, an empty memory
 * reservation block, 4-byte aligned tokens, property names stored once, values padded; bad values refused.
 */
class FdtWriterTest {
    @Test
    void headerBlocksAndTokensFollowTheSpecification() {
        FdtWriter w = new FdtWriter(0);
        w.root().cells("#size-cells", 2).child("a@1").strings("compatible", "x", "yz").cells("reg", 1);
        w.root().child("b").strings("compatible", "q").flag("empty");
        byte[] blob = w.toBytes();
        ByteBuffer b = ByteBuffer.wrap(blob);
        assertThat(b.getInt(0)).isEqualTo(0xd00dfeed);
        assertThat(b.getInt(4)).isEqualTo(blob.length);
        int struct = b.getInt(8);
        int strings = b.getInt(12);
        assertThat(b.getInt(16)).as("memory reservation block").isEqualTo(40);
        assertThat(b.getLong(40)).isZero();
        assertThat(b.getLong(48)).isZero();
        assertThat(b.getInt(20)).as("version").isEqualTo(17);
        assertThat(b.getInt(24)).as("last compatible version").isEqualTo(16);
        assertThat(struct % 4).isZero();
        assertThat(b.getInt(36)).as("structure size").isEqualTo(strings - struct);
        String names = new String(blob, strings, b.getInt(32), StandardCharsets.US_ASCII);
        assertThat(names).isEqualTo("#size-cells\0compatible\0reg\0empty\0"); // each name once
        // root: BEGIN_NODE, empty name padded to 4
        assertThat(b.getInt(struct)).isEqualTo(1);
        assertThat(b.getInt(struct + 4)).isZero();
        // #size-cells = <2>: PROP, len 4, nameoff 0, value
        assertThat(b.getInt(struct + 8)).isEqualTo(3);
        assertThat(b.getInt(struct + 12)).isEqualTo(4);
        assertThat(b.getInt(struct + 16)).isZero();
        assertThat(b.getInt(struct + 20)).isEqualTo(2);
        // a@1: BEGIN_NODE "a@1\0"
        assertThat(b.getInt(struct + 24)).isEqualTo(1);
        assertThat(new String(blob, struct + 28, 4, StandardCharsets.US_ASCII)).isEqualTo("a@1\0");
        // compatible = "x\0yz\0": 5 bytes padded to 8
        assertThat(b.getInt(struct + 32)).isEqualTo(3);
        assertThat(b.getInt(struct + 36)).isEqualTo(5);
        assertThat(new String(blob, struct + 44, 8, StandardCharsets.US_ASCII)).isEqualTo("x\0yz\0\0\0\0");
        assertThat(b.getInt(strings - 4)).as("FDT_END").isEqualTo(9);
    }

    @Test
    void badValuesAreRefused() {
        FdtWriter w = new FdtWriter(0);
        assertThatThrownBy(() -> w.root().cells("x", 1L << 32)).hasMessageContaining("32 bits");
        assertThatThrownBy(() -> w.root().cells("x", -1)).hasMessageContaining("32 bits");
        assertThatThrownBy(() -> w.root().strings("x", "a\0")).hasMessageContaining("NUL");
        assertThatThrownBy(() -> w.root().child("n\0")).hasMessageContaining("NUL");
    }
}
