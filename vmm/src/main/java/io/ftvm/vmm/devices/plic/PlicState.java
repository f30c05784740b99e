package io.ftvm.vmm.devices.plic;

/**
 * The state of a {@link Plic}, for snapshots: per source (index = source id, 0 unused) its priority, input level,
 * pending and claimed bits; per context (0 = hart 0 M-mode, 1 = S-mode) its enable words and threshold.
 */
public record PlicState(int[] priority, boolean[] level, boolean[] pending, boolean[] claimed, int[] enable,
        int[] threshold) {
    public PlicState {
        priority = priority.clone();
        level = level.clone();
        pending = pending.clone();
        claimed = claimed.clone();
        enable = enable.clone();
        threshold = threshold.clone();
    }

    @Override
    public int[] priority() {
        return priority.clone();
    }

    @Override
    public boolean[] level() {
        return level.clone();
    }

    @Override
    public boolean[] pending() {
        return pending.clone();
    }

    @Override
    public boolean[] claimed() {
        return claimed.clone();
    }

    @Override
    public int[] enable() {
        return enable.clone();
    }

    @Override
    public int[] threshold() {
        return threshold.clone();
    }
}
