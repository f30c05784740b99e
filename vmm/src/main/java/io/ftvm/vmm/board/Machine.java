package io.ftvm.vmm.board;

import io.ftvm.vmm.cpu.Cpu;
import io.ftvm.vmm.cpu.Csr;
import io.ftvm.vmm.cpu.HartPlatform;
import io.ftvm.vmm.devices.InterruptLine;
import io.ftvm.vmm.devices.clint.Clint;
import io.ftvm.vmm.devices.finisher.TestFinisher;
import io.ftvm.vmm.devices.plic.Plic;
import io.ftvm.vmm.devices.rtc.GoldfishRtc;
import io.ftvm.vmm.devices.uart.Ns16550a;
import io.ftvm.vmm.devices.virtio.BlockDevice;
import io.ftvm.vmm.devices.virtio.DmaMemory;
import io.ftvm.vmm.devices.virtio.EntropyDevice;
import io.ftvm.vmm.devices.virtio.NetDevice;
import io.ftvm.vmm.devices.virtio.VirtioDevice;
import io.ftvm.vmm.devices.virtio.VirtioMmio;
import io.ftvm.vmm.firmware.BuiltinSbi;
import io.ftvm.vmm.firmware.SbiBoard;
import io.ftvm.vmm.memory.Bus;
import io.ftvm.vmm.memory.Hasher;
import io.ftvm.vmm.memory.PageHashes;
import io.ftvm.vmm.memory.Ram;

/**
 * The deterministic machine: one RV64IMAC hart, RAM, and the devices of QEMU's {@code virt} memory map
 * ({@link MemoryMap}). Built from a {@link MachineConfig}; everything the guest can observe is a function of the
 * image, the instruction count and the inputs the caller delivers, never of the host.
 *
 * <p>Not thread-safe: one thread drives a machine.
 */
public final class Machine {
    private final MachineConfig config;
    private final OutputSink sink;
    private final Ram ram;
    private final VirtualTime time;
    private final Clint clint;
    private final Ns16550a uart;
    private final GoldfishRtc rtc;
    private final Plic plic;
    private final Cpu cpu;
    private final BuiltinSbi sbi;
    private final boolean builtinSbi;
    private final VirtioMmio[] virtio;
    private final EntropyDevice entropy;
    private final NetDevice nic;
    private final Attachments attachments;

    private final PageHashes pageHashes;
    private long consoleOffset;
    private RunResult.Reason stopReason;
    private int exitCode;

    /** The host resources the machine's devices use (its disk images, in configuration order). */
    public Attachments attachments() {
        return attachments;
    }

    /** A machine without virtio disks (a configuration with disks needs {@link Attachments}). */
    public Machine(MachineConfig config, OutputSink sink) {
        this(config, sink, Attachments.NONE);
    }

    /**
     * A machine whose disks are {@code attachments}' images, in the order of the configuration's disks.
     *
     * @throws IllegalArgumentException when the number of images or their writability does not match the
     *                                  configuration
     */
    public Machine(MachineConfig config, OutputSink sink, Attachments attachments) {
        this.config = config;
        this.sink = sink;
        this.attachments = attachments;
        this.ram = new Ram(MemoryMap.RAM, Math.toIntExact(config.ramBytes()));
        this.time = new VirtualTime(config.instructionsPerTick(), this::icount);
        this.clint = new Clint(time);
        // The hart reads the PLIC's outputs as MEIP/SEIP (Platform.interruptLines): nothing to drive here.
        this.plic = new Plic(InterruptLine.NONE, InterruptLine.NONE);
        this.uart = new Ns16550a(this::consoleByte, plic.source(MemoryMap.UART0_IRQ));
        TestFinisher finisher = new TestFinisher(new TestFinisher.PowerControl() {
            @Override
            public void powerOff(int code) {
                stop(RunResult.Reason.POWER_OFF, code);
            }

            @Override
            public void reset() {
                stop(RunResult.Reason.RESET, 0);
            }
        });
        this.rtc = new GoldfishRtc(() -> time.now() * (1_000_000_000L / MachineConfig.TIMEBASE_HZ),
                plic.source(MemoryMap.RTC_IRQ));
        if (attachments.disks().size() != config.diskCount()) {
            throw new IllegalArgumentException("the configuration has " + config.diskCount() + " disks but "
                    + attachments.disks().size() + " disk images were attached");
        }
        DmaMemory dma = new Dma();
        this.virtio = new VirtioMmio[config.virtio().size()];
        EntropyDevice rng = null;
        NetDevice net = null;
        int disk = 0;
        Bus.Builder buses = Bus.builder();
        for (int slot = 0; slot < virtio.length; slot++) {
            VirtioSpec spec = config.virtio().get(slot);
            VirtioDevice device;
            if (spec.kind() == VirtioSpec.Kind.BLOCK) {
                var image = attachments.disks().get(disk++);
                if (image.readOnly() != spec.readOnly()) {
                    throw new IllegalArgumentException("disk " + image.path() + " is attached "
                            + (image.readOnly() ? "read-only" : "writable") + " but configured "
                            + (spec.readOnly() ? "read-only" : "writable"));
                }
                device = new BlockDevice(image, dma, "ftvm-disk" + (disk - 1));
            } else if (spec.kind() == VirtioSpec.Kind.NET) {
                if (net != null) {
                    throw new IllegalArgumentException("the board has one network interface; the configuration has "
                            + "more");
                }
                net = new NetDevice(spec.mac(), spec.linkUp(), frame -> sink.frame(icount(), frame), dma);
                device = net;
            } else {
                if (rng != null) {
                    throw new IllegalArgumentException("the board has one entropy device; the configuration has more");
                }
                rng = new EntropyDevice(dma);
                device = rng;
            }
            virtio[slot] = new VirtioMmio(device, plic.source(slot + 1), dma);
            if (device == net) {
                net.attach(virtio[slot]);
            }
            buses.map("virtio" + slot, MemoryMap.VIRTIO_MMIO + slot * VirtioMmio.SIZE, VirtioMmio.SIZE, virtio[slot]);
        }
        this.entropy = rng;
        this.nic = net;
        Bus bus = buses
                .map("test-finisher", MemoryMap.TEST_FINISHER, TestFinisher.SIZE, finisher)
                .map("rtc", MemoryMap.RTC, GoldfishRtc.SIZE, rtc)
                .map("clint", MemoryMap.CLINT, Clint.SIZE, clint)
                .map("plic", MemoryMap.PLIC, Plic.SIZE, plic)
                .map("uart0", MemoryMap.UART0, Ns16550a.SIZE, uart)
                .build();
        this.cpu = new Cpu(ram, bus, new Platform());
        this.sbi = new BuiltinSbi(new Firmware());
        this.builtinSbi = config.firmware() == MachineConfig.Firmware.BUILTIN_SBI;
        this.pageHashes = new PageHashes(ram);
    }

    /** Loads an image (all or nothing) and points the hart at its entry: a0 = hart id 0, M-mode. */
    public void load(ElfImage image) throws InvalidImageException {
        ElfLoader.load(image, ram);
        cpu.invalidateDecodedInstructions();
        cpu.setPc(image.entry());
        cpu.setRegister(10, 0);
        cpu.setRegister(11, 0);
    }

    /**
     * Executes until exactly {@code icountLimit} instructions have retired in total, or until the guest idles in
     * WFI with nothing pending, or powers off. Calling again after a power-off returns the same result.
     */
    public RunResult runUntil(long icountLimit) {
        if (stopReason != null) {
            return new RunResult(stopReason, cpu.icount(), exitCode, -1);
        }
        Cpu.Exit exit = cpu.run(icountLimit);
        switch (exit) {
            case STOPPED:
                if (stopReason == null) {
                    return new RunResult(RunResult.Reason.LIMIT, cpu.icount(), 0, -1); // endSlice()
                }
                return new RunResult(stopReason, cpu.icount(), exitCode, -1);
            case IDLE:
                return new RunResult(RunResult.Reason.IDLE, cpu.icount(), 0, wakeTime());
            case TRAP_LOOP:
                return new RunResult(RunResult.Reason.TRAP_LOOP, cpu.icount(), 0, -1);
            case BREAKPOINT:
                return new RunResult(RunResult.Reason.BREAKPOINT, cpu.icount(), 0, -1);
            default:
                return new RunResult(RunResult.Reason.LIMIT, cpu.icount(), 0, -1);
        }
    }

    /**
     * Batch mode: like {@link #runUntil} but an idle hart's time jumps straight to its timer deadline instead of
     * returning, so only a power-off, the limit, a stuck hart or a deadline beyond 2^63 ticks ends the run.
     */
    public RunResult runSkippingIdle(long icountLimit) {
        while (true) {
            RunResult r = runUntil(icountLimit);
            if (r.reason() != RunResult.Reason.IDLE || r.idleWithoutWakeup()) {
                return r;
            }
            long distance = r.wakeTime() - time.now();
            if (distance < 0) {
                return r; // an unsigned deadline at or beyond 2^63: never in practice
            }
            time.advance(distance);
        }
    }

    /**
     * True when an input could wake the idle hart: an external interrupt (machine or supervisor) is enabled, so a
     * device interrupt through the PLIC (the console's receive interrupt, a frame arriving) ends its WFI.
     */
    public boolean wakesOnInput() {
        return (cpu.csrs().peek(Csr.MIE) & (Csr.MEIP | Csr.SEIP)) != 0;
    }

    /** The mtime at which an armed timer (machine, or the builtin SBI's supervisor timer) would wake an idle hart, or -1. */
    private long wakeTime() {
        long mie = cpu.csrs().peek(Csr.MIE);
        long wake = -1;
        if ((mie & Csr.MTIP) != 0 && clint.mtimecmp() != -1L) {
            wake = clint.mtimecmp();
        }
        if (builtinSbi && (mie & Csr.STIP) != 0 && sbi.timerCompare() != -1L) {
            wake = wake == -1 ? sbi.timerCompare() : Math.min(wake, sbi.timerCompare());
        }
        return wake;
    }

    /**
     * Ends the current {@link #runUntil} after the instruction being executed, as if its limit were reached (for
     * example so that record mode can publish a horizon right after console output). Call it from the machine's
     * own thread (an output sink or device callback); it does not change what the guest computes.
     */
    public void endSlice() {
        cpu.requestStop();
    }

    /**
     * Turns block translation on (the default) or off. Execution is identical either way; the interpreter alone is
     * slower. Useful for comparison and debugging.
     */
    public void setTranslation(boolean on) {
        cpu.setTranslation(on);
    }

    /**
     * A hash of the machine's complete state: hart, CSRs, devices, virtual time, console offset and all of RAM
     * (incrementally: only pages written since the previous digest are rehashed). Two machines that executed the
     * same instructions with the same inputs have the same digest.
     */
    public long digest() {
        Hasher h = new Hasher();
        cpu.hashState(h);
        uart.hashState(h);
        clint.hashState(h);
        rtc.hashState(h);
        plic.hashState(h);
        sbi.hashState(h);
        for (VirtioMmio v : virtio) {
            v.hashState(h);
        }
        h.put(time.offset()).put(consoleOffset).put(pageHashes.value());
        return h.value();
    }

    /** The machine's state except RAM (see {@link #ram()}), for snapshots. */
    public MachineState state() {
        return new MachineState(config, cpu.state(), uart.state(), clint.state(), rtc.state(), plic.state(),
                time.offset(),
                consoleOffset, stopReason, exitCode, sbi.timerCompare(), virtioState());
    }

    /**
     * Restores a snapshot: the state, and RAM as the caller has already written it into {@link #ram()}. The
     * configuration must match this machine's.
     */
    public void restore(MachineState s) {
        if (!s.config().equals(config)) {
            throw new IllegalArgumentException("snapshot of a " + s.config() + " cannot be restored into a " + config);
        }
        cpu.restore(s.hart());
        uart.restore(s.uart());
        clint.restore(s.clint());
        rtc.restore(s.rtc());
        plic.restore(s.plic());
        time.restoreOffset(s.timeOffset());
        consoleOffset = s.consoleOffset();
        stopReason = s.stopReason();
        exitCode = s.exitCode();
        sbi.restoreTimerCompare(s.sbiTimerCompare());
        restoreVirtio(s.virtio());
        pageHashes.reset();
    }

    /**
     * Sets the wall-clock time at boot (virtual time 0) that the RTC counts from, in nanoseconds since the Unix
     * epoch: a nondeterministic input, logged by record mode. Defaults to 0 (1970) when never set.
     */
    public void setBootWallClock(long unixNanos) {
        rtc.setBootTime(unixNanos);
    }

    /** The RTC's boot wall-clock time. */
    public long bootWallClock() {
        return rtc.bootTime();
    }

    /** Free space in the console UART's receive FIFO: how many input bytes can be delivered now. */
    public int consoleInputSpace() {
        return uart.receiveSpace();
    }

    /**
     * Delivers console input bytes to the UART's receive FIFO at the current instruction count.
     *
     * @throws IllegalStateException if they do not fit ({@link #consoleInputSpace()})
     */
    public void receiveConsole(byte[] bytes) {
        if (bytes.length > uart.receiveSpace()) {
            throw new IllegalStateException(bytes.length + " input bytes at icount " + cpu.icount()
                    + " do not fit the UART's free receive space " + uart.receiveSpace());
        }
        for (byte b : bytes) {
            uart.receive(b & 0xff);
        }
    }

    /** Advances virtual time across an idle period. */
    public void advanceTime(long ticks) {
        time.advance(ticks);
    }

    public long icount() {
        return cpu.icount();
    }

    public MachineConfig config() {
        return config;
    }

    public Cpu cpu() {
        return cpu;
    }

    public Ram ram() {
        return ram;
    }

    public VirtualTime time() {
        return time;
    }

    /** The interrupt controller (for tools and tests). */
    public Plic plic() {
        return plic;
    }

    public Ns16550a uart() {
        return uart;
    }

    /** Bytes written to the console so far (the offset of the next one). */
    public long consoleOffset() {
        return consoleOffset;
    }

    private void consoleByte(int b) {
        sink.console(cpu.icount(), consoleOffset++, b);
    }

    private void stop(RunResult.Reason reason, int code) {
        if (stopReason == null) {
            stopReason = reason;
            exitCode = code;
        }
        cpu.requestStop();
    }

    private MachineState.VirtioState[] virtioState() {
        MachineState.VirtioState[] all = new MachineState.VirtioState[virtio.length];
        for (int i = 0; i < virtio.length; i++) {
            VirtioDevice d = virtio[i].device();
            all[i] = new MachineState.VirtioState(virtio[i].state(), d.state(),
                    d instanceof BlockDevice b ? b.disk().contentHash() : 0);
        }
        return all;
    }

    /**
     * Restores the virtio slots, refusing a disk whose content differs from the one the state was taken with: a
     * restored machine never runs against a different disk.
     */
    private void restoreVirtio(MachineState.VirtioState[] states) {
        if (states.length != virtio.length) {
            throw new IllegalArgumentException("state for " + states.length + " virtio devices, the machine has "
                    + virtio.length);
        }
        for (int i = 0; i < virtio.length; i++) {
            if (virtio[i].device() instanceof BlockDevice b && b.disk().contentHash() != states[i].diskHash()) {
                throw new IllegalArgumentException(String.format("disk image %s does not hold the content the "
                        + "snapshot was taken with (content hash %016x, expected %016x): attach a copy of the disk "
                        + "as it was", b.disk().path(), b.disk().contentHash(), states[i].diskHash()));
            }
        }
        for (int i = 0; i < virtio.length; i++) {
            virtio[i].restore(states[i].transport());
            virtio[i].device().restore(states[i].device());
        }
    }

    /** The virtio transports in slot order (for snapshots, tools and tests). */
    public java.util.List<VirtioMmio> virtio() {
        return java.util.List.of(virtio);
    }

    /** True when the machine has an entropy device, whose seed is then a logged input. */
    public boolean hasEntropyDevice() {
        return entropy != null;
    }

    /** Seeds the entropy device (32 bytes): a nondeterministic input, logged by record mode. */
    public void setEntropySeed(byte[] seed) {
        if (entropy == null) {
            throw new IllegalStateException("this machine has no entropy device");
        }
        entropy.setSeed(seed);
    }

    /** True when the machine has a network interface, whose incoming frames are then logged inputs. */
    public boolean hasNetworkInterface() {
        return nic != null;
    }

    /** True when a frame from the network can be delivered now (the guest has posted a receive buffer). */
    public boolean canReceiveFrame() {
        return nic != null && nic.canReceive();
    }

    /**
     * Delivers a frame from the network at the current instruction count (an input: record mode logs it first).
     *
     * @throws IllegalStateException when it cannot be delivered now ({@link #canReceiveFrame()})
     * @throws IllegalArgumentException when it is longer than {@link NetDevice#MAX_FRAME}
     */
    public void receiveFrame(byte[] frame) {
        if (frame.length > NetDevice.MAX_FRAME || frame.length == 0) {
            throw new IllegalArgumentException("a frame of " + frame.length + " bytes (1 to " + NetDevice.MAX_FRAME
                    + " can be received)");
        }
        if (!canReceiveFrame() || !nic.receive(frame)) {
            throw new IllegalStateException("no receive buffer for a frame at icount " + cpu.icount());
        }
    }

    /** Guest physical memory as devices reach it. */
    private final class Dma implements DmaMemory {
        @Override
        public boolean contains(long address, long length) {
            long off = address - ram.base();
            return off >= 0 && length >= 0 && off <= ram.size() && length <= ram.size() - off;
        }

        @Override
        public boolean read(long address, byte[] into, int offset, int length) {
            if (!contains(address, length)) {
                return false;
            }
            System.arraycopy(ram.array(), (int) (address - ram.base()), into, offset, length);
            return true;
        }

        @Override
        public boolean write(long address, byte[] from, int offset, int length) {
            if (!contains(address, length)) {
                return false;
            }
            int off = (int) (address - ram.base());
            ram.load(off, from, offset, length);
            cpu.memoryWritten(off, length);
            return true;
        }
    }

    /** What the builtin SBI acts on. */
    private final class Firmware implements SbiBoard {
        @Override
        public void consoleWrite(int b) {
            consoleByte(b);
        }

        @Override
        public int consoleRead() {
            return uart.takeReceived();
        }

        @Override
        public long time() {
            return time.now();
        }

        @Override
        public int readPhysical(long address, byte[] into, int length) {
            if (!ram.contains(address, length)) {
                return -1;
            }
            System.arraycopy(ram.array(), (int) (address - ram.base()), into, 0, length);
            return length;
        }

        @Override
        public boolean writePhysical(long address, byte[] from, int length) {
            if (!ram.contains(address, length)) {
                return false;
            }
            int off = (int) (address - ram.base());
            ram.load(off, from, 0, length);
            cpu.memoryWritten(off, length);
            return true;
        }

        @Override
        public void raiseSoftwareInterrupt() {
            cpu.csrs().raiseSupervisorSoftwareInterrupt();
        }

        @Override
        public void fence() {
            cpu.fenceAll();
        }

        @Override
        public void suspend() {
            cpu.suspend();
        }

        @Override
        public void powerOff(int code) {
            stop(RunResult.Reason.POWER_OFF, code);
        }

        @Override
        public void reboot() {
            stop(RunResult.Reason.RESET, 0);
        }
    }

    /** Interrupt lines and time as the hart sees them. */
    private final class Platform implements HartPlatform {
        @Override
        public long interruptLines(long icount) {
            long lines = clint.softwareInterruptPending() ? Csr.MSIP : 0;
            if (Long.compareUnsigned(time.at(icount), clint.mtimecmp()) >= 0) {
                lines |= Csr.MTIP;
            }
            if (plic.asserted(0)) {
                lines |= Csr.MEIP;
            }
            if (plic.asserted(1)) {
                lines |= Csr.SEIP;
            }
            if (builtinSbi && sbi.timerPending(time.at(icount))) {
                lines |= Csr.STIP;
            }
            return lines;
        }

        @Override
        public long nextTimerEvent(long icount) {
            long next = time.firstIcountReaching(clint.mtimecmp(), icount);
            return builtinSbi ? Math.min(next, time.firstIcountReaching(sbi.timerCompare(), icount)) : next;
        }

        @Override
        public boolean firmwareCall(long[] x) {
            if (!builtinSbi) {
                return false;
            }
            sbi.call(x);
            return true;
        }

        @Override
        public long time(long icount) {
            return time.at(icount);
        }
    }
}
