package io.ftvm.vmm.replay;

import java.util.Arrays;

/**
 * One entry of the nondeterminism log. Every entry carries the exact instruction count at which it applies; entries
 * appear in non-decreasing icount order. Record mode produces them; replay applies them at the same counts.
 */
public sealed interface Event {

    /** The instruction count at which the entry applies. */
    long icount();

    /** Bytes delivered to the console UART's receive FIFO (they always fit: record mode checks the space). */
    record ConsoleInput(long icount, byte[] bytes) implements Event {
        public ConsoleInput {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ConsoleInput c && c.icount == icount && Arrays.equals(c.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(icount) * 31 + Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "ConsoleInput[icount=" + icount + ", " + bytes.length + " bytes]";
        }
    }

    /** The hart was idle in WFI at {@code icount}; virtual time advanced by {@code ticks}. */
    record IdleAdvance(long icount, long ticks) implements Event {
    }

    /** The machine's state hash at {@code icount}; replay checks it. */
    record Digest(long icount, long hash) implements Event {
    }

    /** The primary has executed to {@code icount}: no other entry before it; a replayer may run up to here. */
    record Horizon(long icount) implements Event {
    }

    /** The wall-clock time at boot that the RTC counts from (nanoseconds since the Unix epoch). */
    record BootWallClock(long icount, long unixNanos) implements Event {
    }

    /** A frame from the network delivered to the guest's network interface (Ethernet, 1 to 1518 bytes). */
    record FrameIn(long icount, byte[] frame) implements Event {
        public FrameIn {
            frame = frame.clone();
        }

        @Override
        public byte[] frame() {
            return frame.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof FrameIn f && f.icount == icount && Arrays.equals(f.frame, frame);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(icount) * 31 + Arrays.hashCode(frame);
        }

        @Override
        public String toString() {
            return "FrameIn[icount=" + icount + ", " + frame.length + " bytes]";
        }
    }

    /** The seed of the entropy device's generator (32 bytes), set at boot; what the guest's RNG reads follows from it. */
    record EntropySeed(long icount, byte[] seed) implements Event {
        public EntropySeed {
            seed = seed.clone();
        }

        @Override
        public byte[] seed() {
            return seed.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof EntropySeed s && s.icount == icount && Arrays.equals(s.seed, seed);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(icount) * 31 + Arrays.hashCode(seed);
        }

        @Override
        public String toString() {
            return "EntropySeed[icount=" + icount + "]";
        }
    }

    /**
     * At {@code icount} the hart fell into an endless trap loop (no instruction can retire): replay reproduces the
     * traps and must find the same fixed point.
     */
    record TrapLoop(long icount) implements Event {
    }

    /** The guest powered the machine off at {@code icount} with {@code exitCode}: the recording is complete. */
    record PowerOff(long icount, int exitCode) implements Event {
    }
}
