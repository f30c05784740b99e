package io.ftvm.vmm.replay;

/** Where record mode gets console input from (a terminal, a file, a client connection, a test). */
public interface InputSource {

    /** Copies up to {@code max} pending bytes into {@code buf} without blocking; returns how many (0 if none). */
    int poll(byte[] buf, int max);

    /** Waits until input is pending, up to {@code timeoutNanos}; true if input is pending. */
    boolean await(long timeoutNanos) throws InterruptedException;

    /** True when no input will ever come again (and none is pending). */
    boolean exhausted();

    /** A source that never has input. */
    InputSource NONE = new InputSource() {
        @Override
        public int poll(byte[] buf, int max) {
            return 0;
        }

        @Override
        public boolean await(long timeoutNanos) throws InterruptedException {
            long ms = timeoutNanos / 1_000_000;
            Thread.sleep(ms, (int) (timeoutNanos % 1_000_000));
            return false;
        }

        @Override
        public boolean exhausted() {
            return true;
        }
    };
}
