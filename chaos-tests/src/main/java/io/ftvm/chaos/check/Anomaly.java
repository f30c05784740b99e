package io.ftvm.chaos.check;

/**
 * Something the history or the logs show that must not happen.
 *
 * @param kind   what rule was broken (e.g. {@code wrong-answer}, {@code output-diverged})
 * @param vm     the VM, or null for the cluster
 * @param detail what exactly, with offsets, operations or hosts
 */
public record Anomaly(String kind, String vm, String detail) {
    @Override
    public String toString() {
        return kind + (vm == null ? "" : " [" + vm + "]") + ": " + detail;
    }
}
