package io.ftvm.vmm.replay;

/**
 * Where record mode gets network frames for the guest from (a TAP device, a test). The record driver takes a frame
 * only when the guest can receive it, logs it, and delivers it at that instruction count.
 */
public interface FrameSource {

    /** The next pending frame without removing it, or null when none is pending. */
    byte[] peek();

    /** Removes the frame {@link #peek()} returned. */
    void remove();

    /** A source that never has frames. */
    FrameSource NONE = new FrameSource() {
        @Override
        public byte[] peek() {
            return null;
        }

        @Override
        public void remove() {
        }
    };
}
