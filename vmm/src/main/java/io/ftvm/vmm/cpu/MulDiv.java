package io.ftvm.vmm.cpu;

/**
 * Comparisons and the M extension's high multiplies and divisions, with the specification's results for x/0 and
 * overflow (shared by the interpreter and translated blocks).
 */
final class MulDiv {
    private MulDiv() {
    }

    static long slt(long a, long b) {
        return a < b ? 1 : 0;
    }

    static long sltu(long a, long b) {
        return Long.compareUnsigned(a, b) < 0 ? 1 : 0;
    }

    static long mulhu(long a, long b) {
        return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
    }

    static long mulhsu(long a, long b) {
        return Math.multiplyHigh(a, b) + ((b >> 63) & a);
    }

    /** Division by zero gives -1; MIN / -1 overflows to MIN (Java's result, as the spec requires). */
    static long div(long a, long b) {
        return b == 0 ? -1L : a / b;
    }

    static long divu(long a, long b) {
        return b == 0 ? -1L : Long.divideUnsigned(a, b);
    }

    static long rem(long a, long b) {
        return b == 0 ? a : a % b;
    }

    static long remu(long a, long b) {
        return b == 0 ? a : Long.remainderUnsigned(a, b);
    }

    static long divw(int a, int b) {
        return b == 0 ? -1L : (long) (a / b);
    }

    static long divuw(int a, int b) {
        return b == 0 ? -1L : (long) Integer.divideUnsigned(a, b);
    }

    static long remw(int a, int b) {
        return b == 0 ? (long) a : (long) (a % b);
    }

    static long remuw(int a, int b) {
        return b == 0 ? (long) a : (long) Integer.remainderUnsigned(a, b);
    }
}
