package io.ftvm.vmm.firmware;

import io.ftvm.vmm.memory.Hasher;

/**
 * The Supervisor Binary Interface (SBI 2.0) served by the VMM for its one hart: BASE, TIME, IPI, RFENCE, HSM, SRST,
 * DBCN (the debug console) and the legacy calls (set_timer, console_putchar/getchar, IPIs, fences, shutdown). A
 * kernel's ECALL lands in {@link #call} instead of an M-mode firmware.
 *
 * <p>Everything it does is a function of the registers, the machine's state and the console input the board
 * delivered, so record and replay take the same path. Its only state is the supervisor timer's compare value, which
 * raises {@code STIP} once {@code mtime} reaches it ({@link #timerPending}).
 */
public final class BuiltinSbi {
    /** The implementation id ftvm reports (not one of the ids the SBI specification assigns). */
    public static final long IMPLEMENTATION_ID = 0x6674766dL; // "ftvm"
    public static final long IMPLEMENTATION_VERSION = 1;
    /** SBI 2.0: (major << 24) | minor. */
    public static final long SPEC_VERSION = 2L << 24;

    static final long EXT_BASE = 0x10;
    static final long EXT_TIME = 0x54494D45L;
    static final long EXT_IPI = 0x735049L;
    static final long EXT_RFENCE = 0x52464E43L;
    static final long EXT_HSM = 0x48534DL;
    static final long EXT_SRST = 0x53525354L;
    static final long EXT_DBCN = 0x4442434EL;
    static final long LEGACY_LAST = 0x08;

    static final long SUCCESS = 0;
    static final long ERR_FAILED = -1;
    static final long ERR_NOT_SUPPORTED = -2;
    static final long ERR_INVALID_PARAM = -3;
    static final long ERR_ALREADY_AVAILABLE = -6;

    /** The longest debug-console transfer served in one call; a longer request transfers this many bytes. */
    static final int DBCN_CHUNK = 4096;

    private static final int A0 = 10;
    private static final int A1 = 11;
    private static final int A6 = 16;
    private static final int A7 = 17;

    private final SbiBoard board;
    private final byte[] buffer = new byte[DBCN_CHUNK];
    private long timerCompare = -1L;

    public BuiltinSbi(SbiBoard board) {
        this.board = board;
    }

    /** True when the supervisor timer has fired: {@code mtime} is at or past the compare value (unsigned). */
    public boolean timerPending(long mtime) {
        return Long.compareUnsigned(mtime, timerCompare) >= 0;
    }

    /** The supervisor timer's compare value ({@code -1}, never, until the kernel sets one). */
    public long timerCompare() {
        return timerCompare;
    }

    /** Restores the compare value from a snapshot. */
    public void restoreTimerCompare(long value) {
        timerCompare = value;
    }

    public void hashState(Hasher h) {
        h.put(timerCompare);
    }

    /** Serves the call in {@code x} (a7 extension, a6 function, a0..a5 arguments), writing the results. */
    public void call(long[] x) {
        long ext = x[A7];
        if (Long.compareUnsigned(ext, LEGACY_LAST) <= 0) {
            x[A0] = legacy((int) ext, x);
            return;
        }
        long fid = x[A6];
        long value = 0;
        long error;
        if (ext == EXT_BASE) {
            long[] r = base(fid, x[A0]);
            error = r[0];
            value = r[1];
        } else if (ext == EXT_TIME) {
            error = fid == 0 ? setTimer(x[A0]) : ERR_NOT_SUPPORTED;
        } else if (ext == EXT_IPI) {
            error = fid == 0 ? sendIpi(x[A0], x[A1]) : ERR_NOT_SUPPORTED;
        } else if (ext == EXT_RFENCE) {
            error = fid <= 6 ? fence(x[A0], x[A1]) : ERR_NOT_SUPPORTED;
        } else if (ext == EXT_HSM) {
            long[] r = hsm(fid, x[A0], x[A1]);
            error = r[0];
            value = r[1];
        } else if (ext == EXT_SRST) {
            error = fid == 0 ? reset(x[A0], x[A1]) : ERR_NOT_SUPPORTED;
        } else if (ext == EXT_DBCN) {
            long[] r = debugConsole(fid, x[A0], x[A1], x[12]);
            error = r[0];
            value = r[1];
        } else {
            error = ERR_NOT_SUPPORTED;
        }
        x[A0] = error;
        if (error == SUCCESS) {
            x[A1] = value;
        }
    }

    private long legacy(int ext, long[] x) {
        switch (ext) {
            case 0:
                setTimer(x[A0]);
                return 0;
            case 1:
                board.consoleWrite((int) x[A0] & 0xff);
                return 0;
            case 2:
                return board.consoleRead();
            case 3:
                return 0; // clear_ipi: the kernel clears sip.SSIP itself
            case 4:
                return sendIpi(readMask(x[A0]), 0);
            case 5: case 6: case 7:
                board.fence();
                return 0;
            default: // 8: shutdown
                board.powerOff(0);
                return 0;
        }
    }

    /** The legacy calls pass a pointer to the hart mask; with one hart only bit 0 matters. */
    private long readMask(long address) {
        if (address == 0) {
            return -1L; // all harts
        }
        byte[] b = new byte[8];
        if (board.readPhysical(address, b, 8) < 0) {
            return 0;
        }
        return b[0] & 1;
    }

    private long[] base(long fid, long arg) {
        switch ((int) fid) {
            case 0: return ok(SPEC_VERSION);
            case 1: return ok(IMPLEMENTATION_ID);
            case 2: return ok(IMPLEMENTATION_VERSION);
            case 3: return ok(supported(arg) ? 1 : 0);
            case 4: case 5: case 6: return ok(0); // mvendorid, marchid, mimpid
            default: return new long[] {ERR_NOT_SUPPORTED, 0};
        }
    }

    private static boolean supported(long ext) {
        return Long.compareUnsigned(ext, LEGACY_LAST) <= 0 || ext == EXT_BASE || ext == EXT_TIME || ext == EXT_IPI
                || ext == EXT_RFENCE || ext == EXT_HSM || ext == EXT_SRST || ext == EXT_DBCN;
    }

    private long setTimer(long value) {
        timerCompare = value;
        return SUCCESS;
    }

    /**
     * Whether a (hart_mask, hart_mask_base) pair names hart 0: 1 when it does (and no other hart), 0 when it names
     * no hart, -1 when it names a hart that does not exist.
     */
    private static int targetsHartZero(long mask, long base) {
        if (base == -1L) {
            return 1; // every hart: just this one
        }
        if (mask == 0) {
            return 0;
        }
        if (base != 0) {
            return -1; // harts base.. with base > 0: none exist
        }
        return (mask & ~1L) != 0 ? -1 : 1;
    }

    private long sendIpi(long mask, long base) {
        int t = targetsHartZero(mask, base);
        if (t < 0) {
            return ERR_INVALID_PARAM;
        }
        if (t > 0) {
            board.raiseSoftwareInterrupt();
        }
        return SUCCESS;
    }

    private long fence(long mask, long base) {
        int t = targetsHartZero(mask, base);
        if (t < 0) {
            return ERR_INVALID_PARAM;
        }
        if (t > 0) {
            board.fence();
        }
        return SUCCESS;
    }

    private long[] hsm(long fid, long hartId, long arg1) {
        switch ((int) fid) {
            case 0: // hart_start
                return new long[] {hartId == 0 ? ERR_ALREADY_AVAILABLE : ERR_INVALID_PARAM, 0};
            case 1: // hart_stop: the only hart cannot stop (power off instead)
                return new long[] {ERR_FAILED, 0};
            case 2: // hart_get_status
                return hartId == 0 ? ok(0) : new long[] {ERR_INVALID_PARAM, 0};
            case 3: { // hart_suspend(type, resume_addr, opaque): only the default retentive suspend
                long type = hartId;
                if (type == 0) {
                    board.suspend();
                    return ok(0);
                }
                boolean reserved = Long.compareUnsigned(type, 0x0fffffffL) <= 0
                        || (Long.compareUnsigned(type, 0x80000000L) > 0 && Long.compareUnsigned(type, 0x8fffffffL) <= 0);
                return new long[] {reserved ? ERR_INVALID_PARAM : ERR_NOT_SUPPORTED, 0};
            }
            default:
                return new long[] {ERR_NOT_SUPPORTED, 0};
        }
    }

    private long reset(long type, long reason) {
        if (Long.compareUnsigned(type, 2) > 0 || Long.compareUnsigned(reason, 1) > 0
                && Long.compareUnsigned(reason, 0xE0000000L) < 0) {
            return Long.compareUnsigned(type, 0xF0000000L) >= 0 ? ERR_NOT_SUPPORTED : ERR_INVALID_PARAM;
        }
        if (type == 0) {
            board.powerOff(reason == 0 ? 0 : 1);
        } else {
            board.reboot();
        }
        return SUCCESS;
    }

    private long[] debugConsole(long fid, long a0, long lo, long hi) {
        switch ((int) fid) {
            case 0: case 1: {
                if (hi != 0) {
                    return new long[] {ERR_INVALID_PARAM, 0};
                }
                int n = Long.compareUnsigned(a0, DBCN_CHUNK) > 0 ? DBCN_CHUNK : (int) a0;
                if (fid == 0) {
                    if (board.readPhysical(lo, buffer, n) < 0) {
                        return new long[] {ERR_INVALID_PARAM, 0};
                    }
                    for (int i = 0; i < n; i++) {
                        board.consoleWrite(buffer[i] & 0xff);
                    }
                    return ok(n);
                }
                if (board.readPhysical(lo, buffer, n) < 0) {
                    return new long[] {ERR_INVALID_PARAM, 0}; // checked before any input is taken
                }
                int got = 0;
                while (got < n) {
                    int b = board.consoleRead();
                    if (b < 0) {
                        break;
                    }
                    buffer[got++] = (byte) b;
                }
                board.writePhysical(lo, buffer, got);
                return ok(got);
            }
            case 2:
                board.consoleWrite((int) a0 & 0xff);
                return ok(0);
            default:
                return new long[] {ERR_NOT_SUPPORTED, 0};
        }
    }

    private static long[] ok(long value) {
        return new long[] {SUCCESS, value};
    }
}
