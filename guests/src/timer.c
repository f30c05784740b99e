/* timer: M-mode timer and software interrupts through the CLINT.
 *  - polled checks of mip.MTIP / mip.MSIP against mtimecmp / msip
 *  - phase 1: direct mtvec, NTICK_DIRECT timer ticks, each awaited with wfi
 *  - phase 2: vectored mtvec, timer ticks, software interrupt, ecall
 *    (exceptions must use vector 0), MSI-before-MTI priority
 * Nothing printed depends on how fast mtime runs. */
#include "guest.h"

#define NTICK_DIRECT   20
#define NTICK_VECTORED 10
#define TICK_INTERVAL  2000   /* mtime units (10 MHz on QEMU virt) */

#define IRQ_BIT   (1UL << 63)
#define MIP_MSIP  (1UL << 3)
#define MIP_MTIP  (1UL << 7)
#define MST_MIE   (1UL << 3)
#define MST_MPIE  (1UL << 7)
#define MST_MPP   (3UL << 11)

/* ------------------------------------------------------------------ traps */

__asm__(
    ".section .text\n"
    ".balign 4\n"
    ".globl trap_direct\n"
    "trap_direct:\n"
    "  addi sp, sp, -128\n"
    "  sd a0, 0(sp)\n"
    "  li a0, -1\n"
    "  j trap_common\n"

    ".balign 256\n"
    ".globl trap_vectors\n"
    "trap_vectors:\n"
    ".option push\n"
    ".option norvc\n"           /* every entry must be exactly 4 bytes */
    ".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
    "  j vstub\\n\n"
    ".endr\n"
    ".option pop\n"
    ".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
    "vstub\\n:\n"
    "  addi sp, sp, -128\n"
    "  sd a0, 0(sp)\n"
    "  li a0, \\n\n"
    "  j trap_common\n"
    ".endr\n"

    "trap_common:\n"
    "  sd ra, 8(sp)\n"
    "  sd a1, 16(sp)\n"
    "  sd a2, 24(sp)\n"
    "  sd a3, 32(sp)\n"
    "  sd a4, 40(sp)\n"
    "  sd a5, 48(sp)\n"
    "  sd a6, 56(sp)\n"
    "  sd a7, 64(sp)\n"
    "  sd t0, 72(sp)\n"
    "  sd t1, 80(sp)\n"
    "  sd t2, 88(sp)\n"
    "  sd t3, 96(sp)\n"
    "  sd t4, 104(sp)\n"
    "  sd t5, 112(sp)\n"
    "  sd t6, 120(sp)\n"
    "  call trap_c\n"
    "  ld ra, 8(sp)\n"
    "  ld a1, 16(sp)\n"
    "  ld a2, 24(sp)\n"
    "  ld a3, 32(sp)\n"
    "  ld a4, 40(sp)\n"
    "  ld a5, 48(sp)\n"
    "  ld a6, 56(sp)\n"
    "  ld a7, 64(sp)\n"
    "  ld t0, 72(sp)\n"
    "  ld t1, 80(sp)\n"
    "  ld t2, 88(sp)\n"
    "  ld t3, 96(sp)\n"
    "  ld t4, 104(sp)\n"
    "  ld t5, 112(sp)\n"
    "  ld t6, 120(sp)\n"
    "  ld a0, 0(sp)\n"
    "  addi sp, sp, 128\n"
    "  mret\n");

extern char trap_direct[], trap_vectors[];

#define LOG_MAX 64
static volatile uint64_t log_cause[LOG_MAX];
static volatile long log_vec[LOG_MAX];
static volatile uint64_t log_status[LOG_MAX];
static volatile uint64_t log_tval[LOG_MAX];
static volatile int nlog;
static volatile int ticks, msis, ecalls;
static volatile int due_bad;          /* timer interrupt before mtime >= mtimecmp */
static volatile int unexpected;

static inline uint64_t mtime(void) { return mmio_read64(CLINT_MTIME); }
static inline void set_cmp(uint64_t v) { mmio_write64(CLINT_MTIMECMP, v); }
static inline uint64_t get_cmp(void) { return mmio_read64(CLINT_MTIMECMP); }

void trap_c(long vec)
{
    uint64_t cause = csr_read(mcause);
    int i = nlog;
    if (i < LOG_MAX) {
        log_cause[i] = cause;
        log_vec[i] = vec;
        log_status[i] = csr_read(mstatus) & (MST_MIE | MST_MPIE | MST_MPP);
        log_tval[i] = csr_read(mtval);
        nlog = i + 1;
    }
    if (cause == (IRQ_BIT | 7)) {
        if (mtime() < get_cmp()) {
            due_bad++;
        }
        set_cmp(~0UL);     /* acknowledge: move the deadline out of reach */
        ticks++;
    } else if (cause == (IRQ_BIT | 3)) {
        mmio_write32(CLINT_MSIP, 0);
        msis++;
    } else if (cause == 11) {
        csr_write(mepc, csr_read(mepc) + 4);
        ecalls++;
    } else {
        unexpected++;
        printf_("unexpected trap mcause=%016lx mepc=%016lx\n", cause, csr_read(mepc));
        guest_exit(99);
    }
}

/* Waits (interrupts globally off between checks, so no wake-up is lost)
 * until the tick counter moves past 'old'. wfi wakes on a pending enabled
 * interrupt even with mstatus.MIE clear; the brief MIE window takes it. */
static void wait_tick(int old)
{
    csr_clear(mstatus, MST_MIE);
    while (ticks == old) {
        __asm__ volatile("wfi");
        csr_set(mstatus, MST_MIE);
        csr_clear(mstatus, MST_MIE);
    }
}

static int fails;
static void check(const char *what, int ok)
{
    if (!ok) {
        fails++;
        printf_("CHECK FAILED: %s\n", what);
    }
}

static void print_log(int from)
{
    for (int i = from; i < nlog; i++) {
        printf_("  trap %d: mcause=%016lx vec=%d mstatus(MIE,MPIE,MPP)=%lx mtval=%lx\n",
                i, log_cause[i], (int)log_vec[i], log_status[i], log_tval[i]);
    }
}

int main(void)
{
    csr_write(mie, 0);
    csr_clear(mstatus, MST_MIE);
    mmio_write32(CLINT_MSIP, 0);
    set_cmp(~0UL);

    /* ---------------------------------------------------- polled checks */
    uint64_t t1 = mtime();
    uint64_t tc = csr_read(time);
    uint64_t t2 = mtime();
    int mono = t1 <= tc && tc <= t2;
    printf_("mtime monotonic / time CSR between reads: %d\n", mono);
    check("time csr", mono);

    printf_("mtimecmp=~0: readback-ok=%d mip.MTIP=%d\n", get_cmp() == ~0UL,
            (int)((csr_read(mip) & MIP_MTIP) != 0));
    check("cmp readback", get_cmp() == ~0UL);
    check("mtip clear", (csr_read(mip) & MIP_MTIP) == 0);

    uint64_t now = mtime();
    set_cmp(now);                  /* already due */
    int mtip_due = (csr_read(mip) & MIP_MTIP) != 0;
    set_cmp(now + 0x100000000UL);  /* far in the future */
    int mtip_moved = (csr_read(mip) & MIP_MTIP) != 0;
    printf_("mtimecmp=now: mip.MTIP=%d; mtimecmp moved forward: mip.MTIP=%d\n", mtip_due, mtip_moved);
    check("mtip when due", mtip_due);
    check("mtip cleared", !mtip_moved);

    /* due in the past must also be pending */
    set_cmp(now > 10 ? now - 10 : 0);
    int mtip_past = (csr_read(mip) & MIP_MTIP) != 0;
    set_cmp(~0UL);
    printf_("mtimecmp<now: mip.MTIP=%d; mtimecmp=~0: mip.MTIP=%d\n", mtip_past,
            (int)((csr_read(mip) & MIP_MTIP) != 0));
    check("mtip past", mtip_past);

    mmio_write32(CLINT_MSIP, 1);
    int msip_reg = (int)mmio_read32(CLINT_MSIP);
    int msip_set = (csr_read(mip) & MIP_MSIP) != 0;
    mmio_write32(CLINT_MSIP, 0);
    int msip_clr = (csr_read(mip) & MIP_MSIP) != 0;
    printf_("msip=1: reg=%d mip.MSIP=%d; msip=0: reg=%d mip.MSIP=%d\n", msip_reg, msip_set,
            (int)mmio_read32(CLINT_MSIP), msip_clr);
    check("msip set", msip_set && msip_reg == 1);
    check("msip clear", !msip_clr);

    /* mip.MTIP and mip.MSIP are read-only in mip */
    csr_set(mip, MIP_MTIP | MIP_MSIP);
    uint64_t mip_after = csr_read(mip) & (MIP_MTIP | MIP_MSIP);
    printf_("csrs mip MTIP|MSIP with nothing pending: mip&(MTIP|MSIP)=%lx\n", mip_after);
    check("mip ro", mip_after == 0);

    /* pending but masked by mie: no trap even with MIE=1 */
    csr_write(mtvec, (uint64_t)trap_direct);
    set_cmp(mtime());
    csr_set(mstatus, MST_MIE);
    for (volatile int i = 0; i < 100; i++) {
    }
    int masked_traps = nlog;
    printf_("MTIP pending, mie.MTIE=0, MIE=1: traps=%d\n", masked_traps);
    check("masked", masked_traps == 0);
    /* enabling mie.MTIE now takes the interrupt at once */
    csr_set(mie, MIP_MTIP);
    for (volatile int i = 0; i < 10; i++) {
    }
    csr_clear(mstatus, MST_MIE);
    printf_("after mie.MTIE=1: traps=%d ticks=%d\n", nlog, ticks);
    check("unmasked", nlog == 1 && ticks == 1);
    print_log(0);

    /* ---------------------------------------------------- phase 1: direct */
    printf_("phase 1: direct mtvec, %d ticks\n", NTICK_DIRECT);
    int base = ticks;
    int from = nlog;
    for (int k = 1; k <= NTICK_DIRECT; k++) {
        int old = ticks;
        set_cmp(mtime() + TICK_INTERVAL);
        wait_tick(old);
        uint64_t c = log_cause[nlog - 1];
        printf_("tick %d mcause=%016lx vec=%d mstatus(MIE,MPIE,MPP)=%lx\n", k, c,
                (int)log_vec[nlog - 1], log_status[nlog - 1]);
        check("tick cause", c == (IRQ_BIT | 7));
    }
    check("direct ticks", ticks - base == NTICK_DIRECT && nlog - from == NTICK_DIRECT);
    printf_("phase 1 done: ticks=%d traps=%d\n", ticks - base, nlog - from);

    /* ---------------------------------------------------- phase 2: vectored */
    csr_write(mtvec, (uint64_t)trap_vectors | 1);
    uint64_t mtvec_rb = csr_read(mtvec);
    printf_("phase 2: vectored mtvec mode=%lx base-ok=%d\n", mtvec_rb & 3,
            (int)((mtvec_rb & ~3UL) == (uint64_t)trap_vectors));
    base = ticks;
    for (int k = 1; k <= NTICK_VECTORED; k++) {
        int old = ticks;
        set_cmp(mtime() + TICK_INTERVAL);
        wait_tick(old);
        printf_("tick %d mcause=%016lx vec=%d\n", NTICK_DIRECT + k, log_cause[nlog - 1],
                (int)log_vec[nlog - 1]);
        check("vec tick", log_vec[nlog - 1] == 7);
    }

    /* software interrupt through msip, awaited with wfi */
    from = nlog;
    csr_set(mie, MIP_MSIP);
    mmio_write32(CLINT_MSIP, 1);
    __asm__ volatile("wfi");          /* MSIP is pending and enabled: must not stall */
    int pend_before = (csr_read(mip) & MIP_MSIP) != 0;
    csr_set(mstatus, MST_MIE);
    csr_clear(mstatus, MST_MIE);
    printf_("msi: pending-before-enable=%d msis=%d mip.MSIP-after=%d\n", pend_before, msis,
            (int)((csr_read(mip) & MIP_MSIP) != 0));
    check("msi", pend_before && msis == 1);

    /* ecall in vectored mode goes through vector 0 */
    __asm__ volatile("ecall" ::: "memory");
    printf_("ecall: ecalls=%d\n", ecalls);
    check("ecall", ecalls == 1 && log_vec[nlog - 1] == 0);

    /* MSI and MTI pending together: MSI is taken first */
    mmio_write32(CLINT_MSIP, 1);
    set_cmp(mtime());
    uint64_t both = csr_read(mip) & (MIP_MSIP | MIP_MTIP);
    int before = nlog;
    csr_set(mstatus, MST_MIE);
    for (volatile int i = 0; i < 10; i++) {
    }
    csr_clear(mstatus, MST_MIE);
    printf_("both pending: mip&(MSIP|MTIP)=%lx traps=%d\n", both, nlog - before);
    check("both", both == (MIP_MSIP | MIP_MTIP) && nlog - before == 2 &&
                      log_cause[before] == (IRQ_BIT | 3) && log_cause[before + 1] == (IRQ_BIT | 7));
    print_log(from);

    printf_("summary: ticks=%d msis=%d ecalls=%d due-bad=%d unexpected=%d fails=%d\n", ticks, msis,
            ecalls, due_bad, unexpected, fails);
    return fails || due_bad || unexpected ? 1 : 0;
}
