package io.ftvm.vmm.devices.uart;

/** The guest-visible state of an {@link Ns16550a}, for snapshots. {@code rx} holds the FIFO's bytes in order. */
public record UartState(byte[] rx, boolean overrun, int ier, int lcr, int mcr, int scr, int fcr, int dll, int dlm,
        boolean thrInterruptPending) {
    public UartState {
        rx = rx.clone();
    }

    @Override
    public byte[] rx() {
        return rx.clone();
    }
}
