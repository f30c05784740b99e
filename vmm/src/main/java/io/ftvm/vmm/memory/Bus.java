package io.ftvm.vmm.memory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The physical address space outside RAM: a fixed, non-overlapping set of MMIO regions. Lookups of unmapped
 * addresses return {@code null}; the MMU turns that into an access fault.
 */
public final class Bus {

    /** One mapped window. */
    public record Region(String name, long base, long size, MmioDevice device) {
        public boolean contains(long pa) {
            return pa - base >= 0 && pa - base < size;
        }
    }

    private final Region[] regions;

    private Bus(Region[] regions) {
        this.regions = regions;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The region containing {@code pa}, or null. */
    public Region find(long pa) {
        for (Region r : regions) {
            if (r.contains(pa)) {
                return r;
            }
        }
        return null;
    }

    public List<Region> regions() {
        return List.of(regions);
    }

    /** Collects regions and refuses overlaps. */
    public static final class Builder {
        private final List<Region> regions = new ArrayList<>();

        public Builder map(String name, long base, long size, MmioDevice device) {
            Region r = new Region(name, base, size, device);
            for (Region o : regions) {
                if (base < o.base() + o.size() && o.base() < base + size) {
                    throw new IllegalArgumentException("MMIO region " + name + " overlaps " + o.name());
                }
            }
            regions.add(r);
            return this;
        }

        public Bus build() {
            regions.sort(Comparator.comparingLong(Region::base));
            return new Bus(regions.toArray(new Region[0]));
        }
    }
}
