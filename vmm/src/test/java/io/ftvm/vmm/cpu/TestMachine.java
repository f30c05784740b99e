package io.ftvm.vmm.cpu;

import io.ftvm.vmm.board.Machine;
import io.ftvm.vmm.board.MachineConfig;
import io.ftvm.vmm.board.RunResult;
import io.ftvm.vmm.memory.Ram;
import java.io.ByteArrayOutputStream;

/**
 * Test fixture: a {@link Machine} built from {@link #CONFIG} (the defaults, smaller RAM) with a console sink that collects
 * bytes, helpers to place code and data in RAM, set and inspect registers/CSRs and run.
 *
 * <p>Layout used by the tests: code at {@link #RAM}, the M-mode trap handler at {@link #HANDLER} (records
 * {@code minstret} in x31 and spins), an S-mode handler at {@link #S_HANDLER} (spins), data at {@link #DATA}.
 */
public final class TestMachine {
    public static final long RAM = 0x8000_0000L;
    public static final long HANDLER = RAM + 0x1000;
    public static final long S_HANDLER = RAM + 0x1800;
    public static final long DATA = RAM + 0x10000;

    private final Machine machine;
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    /**
     * {@link MachineConfig#defaults()} with 4 MiB of RAM instead of 128 MiB: allocating and zeroing 128 MiB per
     * test dominated the run time; nothing in the unit tests depends on the RAM size beyond 4 MiB.
     */
    public static final MachineConfig CONFIG = MachineConfig.defaults().withRam(4L << 20);

    public TestMachine() {
        this(CONFIG);
    }

    public TestMachine(MachineConfig config) {
        this.machine = new Machine(config, (icount, offset, b) -> console.write(b));
        machine.cpu().setTranslationThreshold(50); // small test loops get translated too
    }

    public Machine machine() {
        return machine;
    }

    public Cpu cpu() {
        return machine.cpu();
    }

    public String console() {
        return console.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    // ------------------------------------------------------------------ memory

    public TestMachine write(long pa, byte[] bytes) {
        machine.ram().load(offset(pa), bytes, 0, bytes.length);
        machine.cpu().invalidateDecodedInstructions();
        return this;
    }

    public TestMachine writeWords(long pa, int... words) {
        Asm.Program p = new Asm.Program().add(words);
        return write(pa, p.bytes());
    }

    public TestMachine poke(long pa, int size, long value) {
        machine.ram().write(offset(pa), size, value);
        machine.cpu().invalidateDecodedInstructions();
        return this;
    }

    public long peek(long pa, int size) {
        return machine.ram().read(offset(pa), size);
    }

    private int offset(long pa) {
        Ram ram = machine.ram();
        long off = pa - ram.base();
        if (off < 0 || off >= ram.size()) {
            throw new IllegalArgumentException("not in RAM: 0x" + Long.toHexString(pa));
        }
        return (int) off;
    }

    /** Places {@code words} at {@link #RAM}, points the pc there and installs the M-mode handler. */
    public TestMachine program(int... words) {
        return program(new Asm.Program().add(words));
    }

    public TestMachine program(Asm.Program p) {
        installHandlers();
        write(RAM, p.bytes());
        machine.cpu().setPc(RAM);
        return this;
    }

    /** M handler: {@code csrr x31, minstret; j .}; S handler: {@code j .}; mtvec/stvec point at them. */
    public TestMachine installHandlers() {
        writeWords(HANDLER, Asm.csrr(31, Csr.MINSTRET), Asm.jal(0, 0));
        writeWords(S_HANDLER, Asm.jal(0, 0));
        setCsr(Csr.MTVEC, HANDLER);
        setCsr(Csr.STVEC, S_HANDLER);
        set(31, 0xdead);
        return this;
    }

    /** Writes {@code words} at the start of RAM of any machine and points its pc there. */
    public static void load(Machine machine, int... words) {
        byte[] b = new Asm.Program().add(words).bytes();
        machine.ram().load(0, b, 0, b.length);
        machine.cpu().invalidateDecodedInstructions();
        machine.cpu().setPc(machine.ram().base());
    }

    // ------------------------------------------------------------------ registers and CSRs

    public long x(int reg) {
        return machine.cpu().register(reg);
    }

    public TestMachine set(int reg, long value) {
        machine.cpu().setRegister(reg, value);
        return this;
    }

    public long f(int reg) {
        return machine.cpu().fpRegister(reg);
    }

    public TestMachine setF(int reg, long value) {
        machine.cpu().setFpRegister(reg, value);
        return this;
    }

    public long pc() {
        return machine.cpu().pc();
    }

    public long csr(int csr) {
        return machine.cpu().csrs().peek(csr);
    }

    /** Writes a CSR with the hart's WARL rules but without access checks. */
    public TestMachine setCsr(int csr, long value) {
        machine.cpu().csrs().write(csr, value, 0);
        return this;
    }

    public TestMachine privilege(int p) {
        machine.cpu().setPrivilege(p);
        return this;
    }

    public int privilege() {
        return machine.cpu().privilege();
    }

    public long icount() {
        return machine.cpu().icount();
    }

    // ------------------------------------------------------------------ running

    /** Runs {@code n} more instructions (or until idle/stop). */
    public RunResult run(long n) {
        return machine.runUntil(machine.cpu().icount() + n);
    }

    public RunResult runUntil(long icount) {
        return machine.runUntil(icount);
    }

    /** True when the last trap went to the M handler: pc spins there after recording minstret. */
    public boolean inMachineHandler() {
        return pc() == HANDLER + 4;
    }
}
