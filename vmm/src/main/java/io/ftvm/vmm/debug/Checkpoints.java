package io.ftvm.vmm.debug;

import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.board.MachineState;
import io.ftvm.vmm.devices.virtio.DiskImage;
import io.ftvm.vmm.memory.Ram;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Machine states kept along a replay, so that going back costs a restore plus a short replay forward instead of a
 * replay from the start. Each checkpoint holds the machine's state and its RAM as an array of page references:
 * pages not written since the previous checkpoint (or the restored one) are shared with it, so a checkpoint costs
 * only the pages written since (a dirty-page delta), and all-zero pages cost nothing. When the kept checkpoints pass
 * their count or memory bound they are thinned: the one whose loss widens the gaps least, relative to its distance
 * from the current position, goes first, which leaves checkpoints dense near where the user is and geometrically
 * sparser further away (as rr's timeline does), so a step back costs about the same anywhere in a long recording.
 * The first checkpoint (the start of the recording) is never dropped. The machine's disks must be overlay images
 * ({@link DiskImage#openOverlay}): a checkpoint keeps their written blocks the same way, shared until written again.
 * Confined to the debugger's engine thread.
 */
final class Checkpoints {
    /** One kept state: {@code position} is the replay driver's next entry at {@code icount}. */
    record Checkpoint(long icount, long position, MachineState state, byte[][] pages,
            List<DiskImage.OverlayState> disks) {
    }

    /** What the checkpoints hold, for {@code monitor checkpoints}. */
    record Usage(int count, long bytes, long firstIcount, long lastIcount, List<Long> icounts) {
    }

    private final TreeMap<Long, Checkpoint> kept = new TreeMap<>();
    private final Map<byte[], int[]> references = new IdentityHashMap<>();
    private final int maxCount;
    private final long maxBytes;
    private long bytes;
    /** The RAM's content at the dirty mark: the pages of the last checkpoint taken or restored. */
    private byte[][] base;

    Checkpoints(int maxCount, long maxBytes) {
        if (maxCount < 2) {
            throw new IllegalArgumentException("at least 2 checkpoints must be kept, not " + maxCount);
        }
        this.maxCount = maxCount;
        this.maxBytes = maxBytes;
    }

    /** Whether a checkpoint is kept at exactly {@code icount}. */
    boolean has(long icount) {
        return kept.containsKey(icount);
    }

    /** The latest checkpoint at or before {@code icount}, or null. */
    Checkpoint atOrBefore(long icount) {
        Map.Entry<Long, Checkpoint> e = kept.floorEntry(icount);
        return e == null ? null : e.getValue();
    }

    /**
     * Keeps the machine's current state ({@code position}: the replay's next entry), then thins towards
     * {@code current} (the user's position) if a bound is passed.
     */
    void take(Machine m, long position) {
        Ram ram = m.ram();
        m.digest(); // hands the written pages to the digest's page hashes before the mark below forgets them
        int n = ram.size() >>> Ram.PAGE_SHIFT;
        byte[][] pages = base == null ? new byte[n][] : base.clone();
        byte[] mem = ram.array();
        for (int p = 0; p < n; p++) {
            if (base == null || ram.isDirty(p)) {
                pages[p] = copyPage(mem, p);
            }
        }
        ram.clearDirty();
        base = pages;
        List<DiskImage.OverlayState> disks = new ArrayList<>();
        for (DiskImage d : m.attachments().disks()) {
            disks.add(d.overlayState());
        }
        Checkpoint c = new Checkpoint(m.icount(), position, m.state(), pages, disks);
        Checkpoint old = kept.put(m.icount(), c);
        reference(c, 1);
        if (old != null) {
            reference(old, -1);
        }
        thin(m.icount());
    }

    /** Puts the machine back in {@code c}'s state (RAM, hart, devices); only pages that differ are copied. */
    void restore(Machine m, Checkpoint c) {
        List<DiskImage> images = m.attachments().disks();
        for (int i = 0; i < images.size(); i++) {
            try {
                images.get(i).restoreOverlay(c.disks().get(i));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot read the disk image " + images.get(i).path() + ": "
                        + e.getMessage(), e);
            }
        }
        Ram ram = m.ram();
        byte[] mem = ram.array();
        int n = ram.size() >>> Ram.PAGE_SHIFT;
        for (int p = 0; p < n; p++) {
            if (ram.isDirty(p) || base[p] != c.pages()[p]) {
                byte[] page = c.pages()[p];
                if (page == null) {
                    Arrays.fill(mem, p << Ram.PAGE_SHIFT, (p + 1) << Ram.PAGE_SHIFT, (byte) 0);
                } else {
                    System.arraycopy(page, 0, mem, p << Ram.PAGE_SHIFT, Ram.PAGE_SIZE);
                }
            }
        }
        m.restore(c.state()); // also forgets the digest's page hashes: the next digest hashes all of RAM again
        m.cpu().invalidateDecodedInstructions();
        ram.clearDirty();
        base = c.pages();
    }

    long bytes() {
        return bytes;
    }

    Usage usage() {
        return new Usage(kept.size(), bytes, kept.isEmpty() ? -1 : kept.firstKey(),
                kept.isEmpty() ? -1 : kept.lastKey(), new ArrayList<>(kept.keySet()));
    }

    private static byte[] copyPage(byte[] mem, int p) {
        int off = p << Ram.PAGE_SHIFT;
        for (int i = off; i < off + Ram.PAGE_SIZE; i++) {
            if (mem[i] != 0) {
                return Arrays.copyOfRange(mem, off, off + Ram.PAGE_SIZE);
            }
        }
        return null;
    }

    /**
     * Counts the pages and disk blocks {@code c} holds in or out (each array's memory counted once), and its own
     * bookkeeping: the page table (a reference per page) and the disk block maps (about 64 bytes an entry).
     */
    private void reference(Checkpoint c, int delta) {
        reference(java.util.Arrays.asList(c.pages()), delta);
        long own = 16L + 8L * c.pages().length;
        for (DiskImage.OverlayState d : c.disks()) {
            reference(d.written().values(), delta);
            own += 64L * d.written().size();
        }
        bytes += delta * own;
    }

    private void reference(java.util.Collection<byte[]> pages, int delta) {
        for (byte[] page : pages) {
            if (page == null) {
                continue;
            }
            int[] r = references.computeIfAbsent(page, k -> new int[1]);
            r[0] += delta;
            if (r[0] == 1 && delta > 0) {
                bytes += page.length;
            } else if (r[0] == 0) {
                references.remove(page);
                bytes -= page.length;
            }
        }
    }

    /** Drops checkpoints until both bounds hold (never the first, never the one at {@code current}). */
    private void thin(long current) {
        while (kept.size() > maxCount || bytes > maxBytes && kept.size() > 2) {
            Long victim = null;
            double best = Double.MAX_VALUE;
            Long prev = null;
            for (Long at : kept.keySet()) {
                if (prev == null || at == current) {
                    prev = at;
                    continue; // the first is the start of the recording; the current one is where the user is
                }
                Long next = kept.higherKey(at);
                long gap = (next == null ? Math.max(current, at) : next) - prev;
                double cost = gap / (double) Math.max(1, Math.abs(current - at));
                if (cost < best) {
                    best = cost;
                    victim = at;
                }
                prev = at;
            }
            if (victim == null) {
                return;
            }
            reference(kept.remove(victim), -1);
        }
    }
}
