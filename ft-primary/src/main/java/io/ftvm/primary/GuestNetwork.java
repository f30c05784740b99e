package io.ftvm.primary;

import io.ftvm.vmm.replay.FrameSource;

/**
 * Where a primary's guest NIC is attached on this host (a TAP device on a bridge). Frames arriving for the guest
 * are taken through {@link FrameSource} by record mode, which logs them before the guest sees them; frames the guest
 * sends reach {@link #send} only once the {@link OutputGate} releases them (the Output Rule).
 */
public interface GuestNetwork extends FrameSource, AutoCloseable {

    /** Sends a frame the guest sent (released by the gate; never called for output the backup may not have). */
    void send(byte[] frame);

    /**
     * Tells the network that the guest's MAC is here now (after a takeover): a few rounds of RARP and gratuitous
     * announcements, so the bridge and the clients move to this host.
     */
    void announce();

    /** Detaches the NIC (the TAP device goes away). */
    @Override
    void close();

    /** No network: frames are neither received nor sent. */
    GuestNetwork NONE = sendingTo(frame -> { });

    /** A network that brings the guest nothing and hands what it sends to {@code out} (tests, tools). */
    static GuestNetwork sendingTo(java.util.function.Consumer<byte[]> out) {
        return new GuestNetwork() {
            @Override
            public byte[] peek() {
                return null;
            }

            @Override
            public void remove() {
            }

            @Override
            public void send(byte[] frame) {
                out.accept(frame);
            }

            @Override
            public void announce() {
            }

            @Override
            public void close() {
            }
        };
    }
}
