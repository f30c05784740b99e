package io.ftvm.replication.console;

/**
 * What a console client asks for in its HELLO (wire values fixed, see docs/console-protocol.md). Attaching is
 * read-only by default; typing needs the VM's write lease, which one connection at a time holds on the serving host.
 */
public enum ConsoleAccess {
    /** Output only; any INPUT is refused (ERROR READ_ONLY). */
    READ(0),
    /** Output and input: takes the write lease if nobody holds it, else ERROR WRITE_LEASE_HELD naming the holder. */
    WRITE(1),
    /** Output and input, taking the write lease from its holder (who gets ERROR WRITE_LEASE_LOST). */
    TAKE_OVER(2);

    private final int wire;

    ConsoleAccess(int wire) {
        this.wire = wire;
    }

    public int wire() {
        return wire;
    }

    /** True when this access needs the write lease. */
    public boolean writes() {
        return this != READ;
    }

    /** The access for a wire value, or null when unknown. */
    public static ConsoleAccess fromWire(int value) {
        for (ConsoleAccess a : values()) {
            if (a.wire == value) {
                return a;
            }
        }
        return null;
    }
}
