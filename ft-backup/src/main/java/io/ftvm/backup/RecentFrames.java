package io.ftvm.backup;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The last few network frames the replayed guest sent, oldest first. A backup's NIC is attached to nothing while it
 * replays; at a takeover these are the frames the old primary may have been holding for the Output Rule when it
 * died, and the new primary sends them again at once (IP allows duplicates; TCP drops them) instead of leaving the
 * clients to a retransmission timeout. Written by the replay thread, drained by it at the takeover.
 */
final class RecentFrames {
    private final int capacity;
    private final ArrayDeque<byte[]> frames;

    RecentFrames(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        this.frames = new ArrayDeque<>(capacity);
    }

    synchronized void add(byte[] frame) {
        if (frames.size() == capacity) {
            frames.pollFirst();
        }
        frames.addLast(frame);
    }

    /** The kept frames, oldest first; empties the ring. */
    synchronized List<byte[]> drain() {
        List<byte[]> all = List.copyOf(frames);
        frames.clear();
        return all;
    }
}
