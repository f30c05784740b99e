package io.ftvm.vmm.replay;

/** Real time as record mode sees it: injected so tests can simulate it instead of waiting. */
public interface WallClock {
    /** The host's clock. */
    WallClock SYSTEM = new WallClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long unixNanos() {
            java.time.Instant now = java.time.Instant.now();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }

        @Override
        public void sleep(long nanos) throws InterruptedException {
            if (nanos > 0) {
                Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            }
        }
    };

    long nanoTime();

    void sleep(long nanos) throws InterruptedException;

    /** The current calendar time in nanoseconds since the Unix epoch (read once, at boot, for the RTC). */
    long unixNanos();
}
