/* priv: privileged architecture (M/S/U, Sv39) conformance.
 *  - entering S and U mode with mret/sret, ecall from U/S/M
 *  - medeleg/mideleg delegation, vectored stvec, SSI/STI taken in S
 *  - Sv39: gigapages, 4 KiB pages with varied permissions, aliasing,
 *    page faults (load/store/fetch, non-canonical, reserved encodings),
 *    A/D bits, SUM, MXR, MPRV, sfence.vma after a PTE change
 *  - sstatus/sie/sip as views, counter enables, TVM/TW/TSR
 *  - xRET effects on xPP/xPIE/xIE/MPRV
 * Traps are logged by a table-driven handler (M and S); faulting
 * instructions are skipped, fetch faults return to ra. */
#include "guest.h"

#define SENT       0x5e5e5e5e5e5e5e5eUL
#define EXIT_MAGIC 0x45584954UL
#define IRQ        (1UL << 63)

#define ST_SIE  (1UL << 1)
#define ST_MIE  (1UL << 3)
#define ST_SPIE (1UL << 5)
#define ST_MPIE (1UL << 7)
#define ST_SPP  (1UL << 8)
#define ST_MPP  (3UL << 11)
#define ST_MPRV (1UL << 17)
#define ST_SUM  (1UL << 18)
#define ST_MXR  (1UL << 19)
#define ST_TVM  (1UL << 20)
#define ST_TW   (1UL << 21)
#define ST_TSR  (1UL << 22)
#define MST_MASK (ST_SIE | ST_MIE | ST_SPIE | ST_MPIE | ST_SPP | ST_MPP | ST_MPRV | ST_SUM | \
                  ST_MXR | ST_TVM | ST_TW | ST_TSR)
#define SST_MASK (ST_SIE | ST_SPIE | ST_SPP | ST_SUM | ST_MXR)
#define MPP_U 0UL
#define MPP_S (1UL << 11)
#define MPP_M (3UL << 11)

#define I_SSI (1UL << 1)
#define I_MSI (1UL << 3)
#define I_STI (1UL << 5)
#define I_MTI (1UL << 7)
#define I_SEI (1UL << 9)
#define I_MEI (1UL << 11)

#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define PTE(pa, fl) ((((uint64_t)(pa)) >> 12) << 10 | (fl))

#define MODE_U 0
#define MODE_S 1

#define NORVC(s) ".option push\n.option norvc\n" s "\n.option pop\n"
#define STR_(x) #x
#define STR(x) STR_(x)

/* ------------------------------------------------------------ memory */
static uint64_t root_k[512] __attribute__((aligned(4096)));
static uint64_t root_u[512] __attribute__((aligned(4096)));
static uint64_t l1_t[512] __attribute__((aligned(4096)));
static uint64_t l0_t[512] __attribute__((aligned(4096)));
static uint64_t pg[14][512] __attribute__((aligned(4096)));
uint8_t m_stack[8192] __attribute__((aligned(16)));
uint8_t s_stack[8192] __attribute__((aligned(16)));
uint64_t m_ctx[14];

#define TVA(i) (0x40000000UL + (uint64_t)(i) * 4096)
#define NONCANON 0x0000004000000000UL
#define MISALIGNED_MEGA 0x40200000UL

static uint64_t satp_k, satp_u;

/* ------------------------------------------------------------ traps */
void m_trap(void);
void s_vectors(void);
uint64_t run_lower(uint64_t fn, uint64_t arg, uint64_t mode);

__asm__(
    ".section .text.traps, \"ax\"\n"
    ".balign 4\n"
    ".globl m_trap\n"
    "m_trap:\n"
    "  csrrw sp, mscratch, sp\n"
    "  addi sp, sp, -256\n"
    "  .irp r,1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
    "  sd x\\r, (\\r*8)(sp)\n"
    "  .endr\n"
    "  csrr t0, mscratch\n"
    "  sd t0, 16(sp)\n"
    "  mv a0, sp\n"
    "  call m_trap_c\n"
    "  addi t0, sp, 256\n"
    "  csrw mscratch, t0\n"
    "  bnez a0, 1f\n"
    "  .irp r,1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
    "  ld x\\r, (\\r*8)(sp)\n"
    "  .endr\n"
    "  ld sp, 16(sp)\n"
    "  mret\n"
    "1:ld a0, 80(sp)\n"               /* return value of the lower-mode function */
    "  lla t0, m_ctx\n"
    "  ld ra, 0(t0)\n  ld sp, 8(t0)\n"
    "  ld s0, 16(t0)\n  ld s1, 24(t0)\n  ld s2, 32(t0)\n  ld s3, 40(t0)\n"
    "  ld s4, 48(t0)\n  ld s5, 56(t0)\n  ld s6, 64(t0)\n  ld s7, 72(t0)\n"
    "  ld s8, 80(t0)\n  ld s9, 88(t0)\n  ld s10, 96(t0)\n  ld s11, 104(t0)\n"
    "  ret\n"

    /* run_lower(fn, arg, mode): mret into fn(arg) at MODE_S/MODE_U; the
     * function returns into lower_exit, whose ecall lands back here. */
    ".globl run_lower\n"
    "run_lower:\n"
    "  lla t0, m_ctx\n"
    "  sd ra, 0(t0)\n  sd sp, 8(t0)\n"
    "  sd s0, 16(t0)\n  sd s1, 24(t0)\n  sd s2, 32(t0)\n  sd s3, 40(t0)\n"
    "  sd s4, 48(t0)\n  sd s5, 56(t0)\n  sd s6, 64(t0)\n  sd s7, 72(t0)\n"
    "  sd s8, 80(t0)\n  sd s9, 88(t0)\n  sd s10, 96(t0)\n  sd s11, 104(t0)\n"
    "  lla t0, s_stack\n  li t1, 8192\n  add t0, t0, t1\n  csrw sscratch, t0\n"
    "  csrw mepc, a0\n"
    "  li t0, 0x1800\n  csrc mstatus, t0\n"
    "  slli t1, a2, 11\n  csrs mstatus, t1\n"
    "  lla ra, lower_exit\n"
    "  mv a0, a1\n"
    "  mret\n"
    ".globl lower_exit\n"
    "lower_exit:\n"
    "  li a7, " STR(EXIT_MAGIC) "\n"
    "  ecall\n"
    "2:j 2b\n"

    /* vectored stvec: entry n = interrupt n, entry 0 = exceptions */
    ".balign 256\n"
    ".globl s_vectors\n"
    "s_vectors:\n"
    ".option push\n.option norvc\n"
    ".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
    "  j s_stub\\n\n"
    ".endr\n"
    ".option pop\n"
    ".irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n"
    "s_stub\\n:\n"
    "  csrrw sp, sscratch, sp\n"
    "  addi sp, sp, -256\n"
    "  sd t0, 40(sp)\n"
    "  li t0, \\n\n"
    "  j s_common\n"
    ".endr\n"
    "s_common:\n"
    "  .irp r,1,3,4,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
    "  sd x\\r, (\\r*8)(sp)\n"
    "  .endr\n"
    "  csrr t1, sscratch\n"
    "  sd t1, 16(sp)\n"
    "  mv a1, t0\n"
    "  mv a0, sp\n"
    "  call s_trap_c\n"
    "  addi t0, sp, 256\n"
    "  csrw sscratch, t0\n"
    "  .irp r,1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
    "  ld x\\r, (\\r*8)(sp)\n"
    "  .endr\n"
    "  ld sp, 16(sp)\n"
    "  sret\n"
    ".text\n");

struct ent {
    uint64_t by, cause, tval, epc, st, vec, from;
};
#define LOG_MAX 256
static volatile struct ent lg[LOG_MAX];
static volatile int nlog;
static volatile uint64_t exit_st;     /* mstatus at the last exit ecall */
static volatile uint64_t exit_from;   /* privilege that made it */

static int is_fetch_fault(uint64_t c) { return c == 0 || c == 1 || c == 12; }

static void log_trap(char by, uint64_t cause, uint64_t tval, uint64_t epc, uint64_t st,
                     long vec, uint64_t from)
{
    int i = nlog;
    if (i < LOG_MAX) {
        lg[i].by = (uint64_t)by;
        lg[i].cause = cause;
        lg[i].tval = tval;
        lg[i].epc = epc;
        lg[i].st = st;
        lg[i].vec = (uint64_t)vec;
        lg[i].from = from;
        nlog = i + 1;
    } else {
        puts_("trap log overflow (runaway traps)\n");
        guest_exit(97);
    }
}

static uint64_t insn_len(uint64_t epc)
{
    uint16_t h = *(volatile uint16_t *)epc;
    return (h & 3) == 3 ? 4 : 2;
}

long m_trap_c(uint64_t *f)
{
    uint64_t cause = csr_read(mcause), epc = csr_read(mepc), tval = csr_read(mtval);
    uint64_t st = csr_read(mstatus);
    uint64_t from = (st >> 11) & 3;
    if ((cause == 8 || cause == 9) && f[17] == EXIT_MAGIC) {
        exit_st = st;
        exit_from = from;
        return 1;
    }
    log_trap('M', cause, tval, epc, st & MST_MASK, -1, from);
    if (cause & IRQ) {
        switch (cause & 63) {
        case 1: csr_clear(mip, I_SSI); break;
        case 3: mmio_write32(CLINT_MSIP, 0); break;
        case 5: csr_clear(mip, I_STI); break;
        case 7: mmio_write64(CLINT_MTIMECMP, ~0UL); break;
        default: csr_clear(mie, 1UL << (cause & 63)); break;
        }
        return 0;
    }
    if (is_fetch_fault(cause)) {
        if (epc == f[1]) {
            printf_("fetch fault at the recovery address %lx\n", epc);
            guest_exit(98);
        }
        csr_write(mepc, f[1]);   /* return to the caller */
        f[10] = SENT;
        return 0;
    }
    if (cause == 8 || cause == 9 || cause == 11) {
        csr_write(mepc, epc + 4);
        return 0;
    }
    csr_write(mepc, epc + insn_len(epc));
    return 0;
}

void s_trap_c(uint64_t *f, long vec)
{
    uint64_t cause = csr_read(scause), epc = csr_read(sepc), tval = csr_read(stval);
    uint64_t st = csr_read(sstatus);
    uint64_t from = (st >> 8) & 1;
    if (cause == 8 && f[17] == EXIT_MAGIC) {
        /* a delegated exit ecall from U: pass it on to M */
        register uint64_t a0 __asm__("a0") = f[10];
        register uint64_t a7 __asm__("a7") = EXIT_MAGIC;
        __asm__ volatile("ecall" : : "r"(a0), "r"(a7) : "memory");
        for (;;) {
        }
    }
    log_trap('S', cause, tval, epc, st & SST_MASK, vec, from);
    if (cause & IRQ) {
        switch (cause & 63) {
        case 1: csr_clear(sip, I_SSI); break;
        default: csr_clear(sie, 1UL << (cause & 63)); break;
        }
        return;
    }
    if (is_fetch_fault(cause)) {
        csr_write(sepc, f[1]);
        f[10] = SENT;
        return;
    }
    if (cause == 8 || cause == 9) {
        csr_write(sepc, epc + 4);
        return;
    }
    csr_write(sepc, epc + insn_len(epc));
}

/* ------------------------------------------------------------ reporting */
static int fails;

static void fail(const char *name, const char *what)
{
    printf_("FAIL %s: %s\n", name, what);
    fails++;
}

static int has_tval(uint64_t c)
{
    /* page faults carry the address; ecall and interrupts must write 0.
     * (illegal-instruction / breakpoint tval is implementation-defined) */
    return (c & IRQ) || c == 8 || c == 9 || c == 11 || c == 12 || c == 13 || c == 15;
}

static int epc_ok(const volatile struct ent *e, uint64_t fn)
{
    if (!(e->cause & IRQ) && is_fetch_fault(e->cause)) {
        return e->epc == e->tval;
    }
    if (fn == 0) {
        return 1;
    }
    return e->epc >= fn && e->epc < fn + 0x200;
}

#define ANY 0xa11a11a11UL

/* Prints the traps since n0 and checks the count and the first one. */
static void report(const char *name, int n0, uint64_t fn, int want_n, char want_by,
                   uint64_t want_cause, uint64_t want_tval)
{
    int n = nlog - n0;
    printf_("%s: traps=%d", name, n);
    for (int k = n0; k < nlog; k++) {
        const volatile struct ent *e = &lg[k];
        printf_(" [%c cause=%016lx tval=", (char)e->by, e->cause);
        if (has_tval(e->cause)) {
            printf_("%lx", e->tval);
        } else {
            printf_("-");
        }
        printf_(" from=%c epc-ok=%d st=%lx", "USHM"[e->from & 3], epc_ok(e, fn), e->st);
        if (e->by == 'S') {
            printf_(" vec=%d", (int)e->vec);
        }
        printf_("]");
    }
    printf_("\n");
    if (n != want_n) {
        fail(name, "trap count");
        return;
    }
    if (n > 0) {
        const volatile struct ent *e = &lg[n0];
        if ((char)e->by != want_by) fail(name, "handled in wrong mode");
        if (e->cause != want_cause) fail(name, "cause");
        if (want_tval != ANY && e->tval != want_tval) fail(name, "tval");
        if (!epc_ok(e, fn)) fail(name, "epc");
    }
}

static uint64_t run(int mode, uint64_t atp, uint64_t (*fn)(uint64_t), uint64_t arg)
{
    csr_write(satp, atp);
    __asm__ volatile("sfence.vma" ::: "memory");
    return run_lower((uint64_t)fn, arg, (uint64_t)mode);
}

/* Runs fn(arg) in mode, prints and checks the traps; leaves the result in r_. */
static uint64_t r_;
#define T(name, mode, atp, fn, arg, wn, wby, wc, wtv)                      \
    do {                                                                  \
        int _n0 = nlog;                                                   \
        r_ = run(mode, atp, fn, arg);                                     \
        report(name, _n0, (uint64_t)(fn), wn, wby, wc, wtv);              \
    } while (0)

static void check(const char *name, int ok)
{
    if (!ok) fail(name, "check");
}

/* ------------------------------------------------------------ probes */
volatile uint64_t sres[8];

#define PROBE(name, body)                                                 \
    static __attribute__((noinline, aligned(4))) uint64_t name(uint64_t x) \
    {                                                                     \
        uint64_t r = SENT;                                                \
        __asm__ volatile(body : "+r"(r) : "r"(x) : "memory");             \
        return r;                                                         \
    }

PROBE(p_ld, "ld %0, 0(%1)")
PROBE(p_sd, "sd %1, 0(%1)")
PROBE(p_ecall, "li a7, 0\n ecall\n li %0, 1")
PROBE(p_cycle, "csrr %0, cycle")
PROBE(p_time, "csrr %0, time")
PROBE(p_instret, "csrr %0, instret")
PROBE(p_satp_r, "csrr %0, satp")
PROBE(p_satp_w, "csrw satp, %1")
PROBE(p_sfence, "sfence.vma")
PROBE(p_sfence_va, "sfence.vma %1, zero")
PROBE(p_wfi, "wfi")
PROBE(p_mret, "mret")
PROBE(p_sret_raw, "sret")
PROBE(p_sret_same, "lla %0, 1f\n csrw sepc, %0\n li %0, 0x100\n csrs sstatus, %0\n sret\n 1: nop")
PROBE(p_illegal, ".word 0xffffffff")
PROBE(p_mscratch, "csrr %0, mscratch")

static __attribute__((noinline)) uint64_t p_call(uint64_t va)
{
    uint64_t (*f)(void) = (uint64_t(*)(void))va;
    uint64_t r = f();
    __asm__ volatile("" ::: "memory");   /* no tail call: keep ra */
    return r;
}

/* S: read, remap the page via its PTE, sfence.vma, read again */
static __attribute__((noinline)) uint64_t s_remap(uint64_t va)
{
    sres[0] = *(volatile uint64_t *)va;
    l0_t[8] = PTE((uint64_t)pg[9], PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
    __asm__ volatile("sfence.vma %0, zero" ::"r"(va) : "memory");
    sres[1] = *(volatile uint64_t *)va;
    return 0;
}

/* S: write through one VA, read through the alias */
static __attribute__((noinline)) uint64_t s_alias(uint64_t x)
{
    *(volatile uint64_t *)TVA(0) = x;
    return *(volatile uint64_t *)TVA(6);
}

/* S: SSI through sip with SIE off, then on */
static __attribute__((noinline)) uint64_t s_ssi(uint64_t x)
{
    (void)x;
    csr_set(sie, I_SSI);
    csr_set(sip, I_SSI);
    sres[0] = csr_read(sip) & 0x222;
    sres[1] = nlog;
    csr_set(sstatus, ST_SIE);          /* taken here */
    __asm__ volatile("nop");
    csr_clear(sstatus, ST_SIE);
    sres[2] = csr_read(sip) & 0x222;
    csr_clear(sie, I_SSI);
    return 0;
}

/* S: STI (set by M in mip) becomes visible and is taken when enabled */
static __attribute__((noinline)) uint64_t s_sti(uint64_t x)
{
    (void)x;
    sres[0] = csr_read(sip) & 0x222;
    csr_set(sie, I_STI);
    sres[1] = nlog;
    csr_set(sstatus, ST_SIE);
    __asm__ volatile("nop");
    csr_clear(sstatus, ST_SIE);
    sres[2] = csr_read(sie) & 0x222;
    return 0;
}

/* S: SSI and STI pending together */
static __attribute__((noinline)) uint64_t s_both(uint64_t x)
{
    (void)x;
    csr_set(sie, I_SSI | I_STI);
    csr_set(sip, I_SSI);
    sres[0] = csr_read(sip) & 0x222;
    csr_set(sstatus, ST_SIE);
    __asm__ volatile("nop");
    csr_clear(sstatus, ST_SIE);
    return 0;
}

/* S: enable an interrupt that M has made pending (not delegated) */
static __attribute__((noinline)) uint64_t s_nop(uint64_t x)
{
    __asm__ volatile("nop\n nop" ::: "memory");
    return x;
}

/* S: wfi with a locally enabled SSI pending and SIE=0 must resume */
static __attribute__((noinline)) uint64_t s_wfi_pending(uint64_t x)
{
    (void)x;
    csr_clear(sstatus, ST_SIE);
    csr_set(sie, I_SSI);
    csr_set(sip, I_SSI);
    __asm__ volatile("wfi" ::: "memory");
    sres[0] = csr_read(sip) & 0x222;
    csr_clear(sip, I_SSI);
    csr_clear(sie, I_SSI);
    return 7;
}

/* S: sret S->S */
static __attribute__((noinline)) uint64_t s_sret_s(uint64_t x)
{
    (void)x;
    uint64_t before, after;
    __asm__ volatile("li t0, 0x122\n csrc sstatus, t0\n"
                     "li t0, 0x102\n csrs sstatus, t0\n"  /* SPP=S SIE=1 SPIE=0 */
                     "csrr %0, sstatus\n"
                     "lla t0, 1f\n csrw sepc, t0\n"
                     "sret\n"
                     "1: csrr %1, sstatus\n"
                     "li t0, 0x2\n csrc sstatus, t0\n"
                     : "=&r"(before), "=&r"(after)::"t0", "memory");
    sres[0] = before & SST_MASK;
    sres[1] = after & SST_MASK;
    return 0;
}

/* S: sret S->U; the U code exits with an ecall (a0 = 0x77) */
static __attribute__((noinline)) uint64_t s_sret_u(uint64_t x)
{
    (void)x;
    __asm__ volatile("li t0, 0x122\n csrc sstatus, t0\n"
                     "li t0, 0x20\n csrs sstatus, t0\n"   /* SPP=U SIE=0 SPIE=1 */
                     "csrr t0, sstatus\n"
                     "lla t1, sres\n sd t0, 0(t1)\n"
                     "lla t0, 1f\n csrw sepc, t0\n"
                     "sret\n"
                     "1: li a0, 0x77\n"
                     "li a7, " STR(EXIT_MAGIC) "\n"
                     "ecall\n"
                     "2: j 2b\n" ::: "t0", "t1", "a0", "a7", "memory");
    return 0;
}

/* S: read sstatus */
static __attribute__((noinline)) uint64_t s_sstatus(uint64_t x)
{
    (void)x;
    return csr_read(sstatus);
}

/* U: bare-mode ecall whose handler decides where it goes */
static __attribute__((noinline)) uint64_t u_nop(uint64_t x)
{
    __asm__ volatile("nop" ::: "memory");
    return x + 1;
}

/* ------------------------------------------------------------ setup */
static void setup_paging(void)
{
    uint64_t ram = 0x80000000UL;
    root_k[0] = PTE(0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);             /* MMIO */
    root_k[1] = PTE((uint64_t)l1_t, PTE_V);
    root_k[2] = PTE(ram, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);   /* kernel */
    root_u[0] = root_k[0];
    root_u[1] = root_k[1];
    root_u[2] = root_k[2] | PTE_U;
    l1_t[0] = PTE((uint64_t)l0_t, PTE_V);
    /* megapage whose PPN[0] is not zero: misaligned superpage */
    l1_t[1] = PTE(ram + 0x1000, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
    const uint64_t ad = PTE_A | PTE_D;
    l0_t[0] = PTE((uint64_t)pg[0], PTE_V | PTE_R | PTE_W | ad);
    l0_t[1] = PTE((uint64_t)pg[1], PTE_V | PTE_R | PTE_A);
    l0_t[2] = PTE((uint64_t)pg[2], PTE_V | PTE_X | PTE_A);
    l0_t[3] = PTE((uint64_t)pg[3], PTE_V | PTE_R | PTE_W | PTE_U | ad);
    l0_t[4] = PTE((uint64_t)pg[4], PTE_V | PTE_R | PTE_X | PTE_U | PTE_A);
    l0_t[5] = PTE((uint64_t)pg[5], PTE_V | PTE_R | PTE_W);                 /* A=D=0 */
    l0_t[6] = PTE((uint64_t)pg[0], PTE_V | PTE_R | PTE_W | ad);            /* alias of 0 */
    l0_t[7] = 0;                                                          /* invalid */
    l0_t[8] = PTE((uint64_t)pg[8], PTE_V | PTE_R | PTE_W | ad);
    l0_t[9] = PTE((uint64_t)pg[10], PTE_V | PTE_W | ad);                  /* W without R */
    l0_t[10] = PTE((uint64_t)pg[11], PTE_V | PTE_X | PTE_U | PTE_A);      /* U, execute-only */
    l0_t[11] = PTE((uint64_t)pg[12], PTE_V);                              /* non-leaf at level 0 */
    l0_t[12] = PTE((uint64_t)pg[13], PTE_V | PTE_R | PTE_W | PTE_U | PTE_D); /* U, A=D=0 */
    for (int i = 0; i < 14; i++) {
        pg[i][0] = 0x1111111111111111UL * (uint64_t)(i + 1);
        pg[i][1] = 0;
    }
    /* li a0, 42; ret */
    static const uint32_t code[2] = {0x02a00513, 0x00008067};
    for (int i = 0; i < 2; i++) {
        ((volatile uint32_t *)pg[2])[i] = code[i];
        ((volatile uint32_t *)pg[4])[i] = code[i];
        ((volatile uint32_t *)pg[11])[i] = code[i];
    }
    __asm__ volatile("fence.i\n sfence.vma" ::: "memory");
    satp_k = (8UL << 60) | ((uint64_t)root_k >> 12);
    satp_u = (8UL << 60) | ((uint64_t)root_u >> 12);
}

static uint64_t mst(void) { return csr_read(mstatus) & MST_MASK; }

static void set_mst(uint64_t clear, uint64_t set)
{
    csr_clear(mstatus, clear);
    csr_set(mstatus, set);
}

/* M-mode load with MPRV=1 and the given MPP; returns SENT when it trapped */
static __attribute__((noinline)) uint64_t mprv_ld(uint64_t mpp, uint64_t extra, uint64_t va,
                                                  uint64_t *pc)
{
    uint64_t r = SENT, lbl;
    __asm__ volatile("li t0, 0x1800\n csrc mstatus, t0\n"
                     "csrs mstatus, %2\n"
                     "li t0, 0x20000\n or t0, t0, %3\n"
                     "lla %1, 1f\n"
                     "csrs mstatus, t0\n"
                     NORVC("1: ld %0, 0(%4)")
                     "\n csrc mstatus, t0\n"
                     "li t0, 0x1800\n csrs mstatus, t0\n"
                     : "+&r"(r), "=&r"(lbl)
                     : "r"(mpp), "r"(extra), "r"(va)
                     : "t0", "memory");
    *pc = lbl;
    return r;
}

static __attribute__((noinline)) uint64_t mprv_sd(uint64_t mpp, uint64_t va, uint64_t val,
                                                  uint64_t *pc)
{
    uint64_t lbl;
    __asm__ volatile("li t0, 0x1800\n csrc mstatus, t0\n"
                     "csrs mstatus, %1\n"
                     "li t0, 0x20000\n"
                     "lla %0, 1f\n"
                     "csrs mstatus, t0\n"
                     NORVC("1: sd %3, 0(%2)")
                     "\n csrc mstatus, t0\n"
                     "li t0, 0x1800\n csrs mstatus, t0\n"
                     : "=&r"(lbl)
                     : "r"(mpp), "r"(va), "r"(val)
                     : "t0", "memory");
    *pc = lbl;
    return 0;
}

#define PTE_FL(i) (((volatile uint64_t *)l0_t)[i] & 0xff)
#define PG(i, j) (((volatile uint64_t *)pg[i])[j])

int main(void)
{
    puts_("priv\n");
    csr_write(mscratch, (uint64_t)m_stack + sizeof m_stack);
    csr_write(mtvec, (uint64_t)m_trap);
    csr_write(stvec, (uint64_t)s_vectors | 1);
    csr_write(mie, 0);
    csr_write(mideleg, 0);
    csr_write(medeleg, 0);
    csr_write(satp, 0);
    set_mst(MST_MASK, MPP_M);
    csr_write(pmpaddr0, ~0UL >> 10);
    csr_write(pmpcfg0, 0x1f);
    csr_write(mcounteren, 0);
    csr_write(scounteren, 0);
    setup_paging();
    printf_("stvec mode=%lx base-ok=%d\n", csr_read(stvec) & 3,
            (int)((csr_read(stvec) & ~3UL) == (uint64_t)s_vectors));

    /* ================================================ ecall from each mode */
    puts_("-- ecall\n");
    {
        int n0 = nlog;
        uint64_t pc;
        __asm__ volatile("lla %0, 1f\n li a7, 0\n" NORVC("1: ecall") : "=r"(pc)::"a7", "memory");
        report("ecall-from-M", n0, pc, 1, 'M', 11, 0);
    }
    T("ecall-from-S", MODE_S, 0, p_ecall, 0, 1, 'M', 9, 0);
    T("ecall-from-U", MODE_U, 0, p_ecall, 0, 1, 'M', 8, 0);
    T("lower fn returns in U", MODE_U, 0, u_nop, 41, 0, 'M', 0, 0);
    printf_("  U ret=%lx exit-from=%c\n", r_, "USHM"[exit_from & 3]);
    check("U ret", r_ == 42 && exit_from == 0);
    T("lower fn returns in S", MODE_S, satp_k, u_nop, 9, 0, 'M', 0, 0);
    printf_("  S ret=%lx exit-from=%c\n", r_, "USHM"[exit_from & 3]);
    check("S ret", r_ == 10 && exit_from == 1);

    /* ================================================ xRET state changes */
    puts_("-- mret/sret status\n");
    {
        uint64_t before, after;
        set_mst(MST_MASK, MPP_M | ST_MPIE | ST_MPRV);
        __asm__ volatile("csrr %0, mstatus\n"
                         "lla t0, 1f\n csrw mepc, t0\n"
                         "mret\n"
                         "1: csrr %1, mstatus\n"
                         "li t0, 0x20008\n csrc mstatus, t0\n"
                         : "=&r"(before), "=&r"(after)::"t0", "memory");
        set_mst(ST_MPRV | ST_MIE | ST_MPIE, MPP_M);
        printf_("mret M->M: mstatus before=%lx after=%lx\n", before & MST_MASK, after & MST_MASK);
        /* MIE <- MPIE(1), MPIE <- 1, MPP <- U, MPRV kept (MPP was M) */
        check("mret M->M", (after & MST_MASK) == (ST_MIE | ST_MPIE | ST_MPRV | MPP_U));

        /* mret into S with MPIE=0, MIE=1, MPRV=1: MPRV must be cleared */
        /* (MPRV is set too, but QEMU 7.2 does not clear it on an mret to
         * S/U as priv 1.12 requires, so it is masked out of the print) */
        csr_write(satp, 0);
        set_mst(MST_MASK, MPP_M);
        set_mst(0, ST_MIE | ST_MPRV | ST_SPIE);
        before = mst();
        r_ = run_lower((uint64_t)s_sstatus, 0, MODE_S);
        printf_("mret M->S: mstatus before=%lx sstatus in S=%lx mstatus at next trap=%lx\n",
                before & ~ST_MPRV, r_ & SST_MASK, exit_st & MST_MASK & ~ST_MPRV);
        check("mret M->S", (exit_st & MST_MASK & ~ST_MPRV) == (ST_SPIE | MPP_S));
        set_mst(MST_MASK, MPP_M);

        /* mret into U with MPIE=1 */
        set_mst(0, ST_MPIE | ST_SIE);
        before = mst();
        run_lower((uint64_t)u_nop, 0, MODE_U);
        printf_("mret M->U: mstatus before=%lx mstatus at next trap=%lx\n", before,
                exit_st & MST_MASK);
        check("mret M->U", (exit_st & MST_MASK) == (ST_MPIE | ST_SIE | MPP_U));
        set_mst(MST_MASK, MPP_M);

        T("sret S->S", MODE_S, satp_k, s_sret_s, 0, 0, 'M', 0, 0);
        printf_("  sstatus before=%lx after=%lx\n", sres[0], sres[1]);
        check("sret S->S", sres[1] == ST_SPIE);
        set_mst(MST_MASK, MPP_M);
        T("sret S->U", MODE_S, 0, s_sret_u, 0, 0, 'M', 0, 0);
        printf_("  sstatus before=%lx ret=%lx exit-from=%c mstatus at next trap=%lx\n",
                sres[0] & SST_MASK, r_, "USHM"[exit_from & 3], exit_st & MST_MASK);
        check("sret S->U", r_ == 0x77 && exit_from == 0 &&
                               (exit_st & SST_MASK) == (ST_SPIE | ST_SIE));
        set_mst(MST_MASK, MPP_M);
    }

    /* ================================================ sstatus view */
    puts_("-- sstatus view\n");
    {
        set_mst(MST_MASK, 0);
        csr_set(sstatus, SST_MASK | ST_MIE | ST_MPIE | MPP_M | ST_TVM | ST_TW | ST_TSR | ST_MPRV);
        uint64_t m = mst();
        printf_("csrs sstatus (S bits + M bits): mstatus=%lx\n", m);
        check("sstatus write", m == SST_MASK);
        set_mst(MST_MASK, ST_MIE | ST_MPIE | MPP_S | ST_TVM | ST_TW | ST_TSR);
        uint64_t s = csr_read(sstatus);
        printf_("mstatus M bits only: sstatus&S=%lx sstatus&Mbits=%lx\n", s & SST_MASK,
                s & (MST_MASK & ~SST_MASK));
        check("sstatus read", (s & MST_MASK) == 0);
        set_mst(MST_MASK, ST_SPP | ST_SUM | ST_MXR | ST_SPIE);
        csr_write(sstatus, ST_SIE);
        printf_("csrw sstatus=SIE over SPP|SUM|MXR|SPIE: mstatus=%lx\n", mst());
        check("sstatus csrw", mst() == ST_SIE);
        set_mst(MST_MASK, MPP_M);
    }

    /* ================================================ sie/sip views */
    puts_("-- sie/sip views\n");
    {
        csr_write(mie, 0xaaa);
        printf_("mie write aaa -> %lx\n", csr_read(mie) & 0xaaa);
        csr_write(mie, 0);
        csr_write(mideleg, 0x222);
        printf_("mideleg 222 -> %lx\n", csr_read(mideleg) & 0xaaa);
        csr_set(sie, 0x222 | 0x888);
        printf_("mideleg=222: csrs sie aaa -> mie=%lx sie=%lx\n", csr_read(mie) & 0xaaa,
                csr_read(sie) & 0xaaa);
        check("sie view 1", (csr_read(mie) & 0xaaa) == 0x222);
        csr_write(mie, 0xaaa);
        csr_write(mideleg, 0x002);
        printf_("mideleg=002 mie=aaa: sie=%lx\n", csr_read(sie) & 0xaaa);
        check("sie view 2", (csr_read(sie) & 0xaaa) == 0x002);
        csr_write(sie, 0);
        printf_("mideleg=002: csrw sie 0 -> mie=%lx\n", csr_read(mie) & 0xaaa);
        check("sie view 3", (csr_read(mie) & 0xaaa) == 0xaa8);
        csr_write(mie, 0);
        csr_write(mideleg, 0);
        csr_write(sie, 0x222);
        printf_("mideleg=0: csrw sie 222 -> mie=%lx sie=%lx\n", csr_read(mie) & 0xaaa,
                csr_read(sie) & 0xaaa);
        check("sie view 4", (csr_read(mie) & 0xaaa) == 0);

        csr_write(mideleg, 0x222);
        csr_set(mip, I_SSI | I_STI);
        printf_("mideleg=222: csrs mip SSIP|STIP -> mip=%lx sip=%lx\n", csr_read(mip) & 0x222,
                csr_read(sip) & 0x222);
        check("mip ssip stip", (csr_read(mip) & 0x222) == 0x22 && (csr_read(sip) & 0x222) == 0x22);
        csr_clear(sip, I_SSI | I_STI);
        printf_("csrc sip SSIP|STIP -> mip=%lx (STIP read-only in sip)\n", csr_read(mip) & 0x222);
        check("sip stip ro", (csr_read(mip) & 0x222) == 0x20);
        csr_clear(mip, I_STI);
        csr_set(sip, I_SSI | I_STI);
        printf_("csrs sip SSIP|STIP -> mip=%lx\n", csr_read(mip) & 0x222);
        check("sip ssip w", (csr_read(mip) & 0x222) == 0x02);
        csr_write(mideleg, 0);
        printf_("mideleg=0 mip.SSIP=1: sip=%lx\n", csr_read(sip) & 0x222);
        check("sip hidden", (csr_read(sip) & 0x222) == 0);
        csr_clear(mip, I_SSI);
        csr_set(sip, I_SSI);
        printf_("mideleg=0: csrs sip SSIP -> mip=%lx\n", csr_read(mip) & 0x222);
        check("sip ro when not delegated", (csr_read(mip) & 0x222) == 0);
        csr_write(mip, 0);
    }

    /* ================================================ paging basics */
    puts_("-- Sv39 translation\n");
    {
        uint64_t old = csr_read(satp);
        csr_write(satp, satp_k);
        printf_("satp write Sv39 -> mode=%lx ppn-ok=%d\n", csr_read(satp) >> 60,
                (int)((csr_read(satp) & ((1UL << 44) - 1)) == ((uint64_t)root_k >> 12)));
        csr_write(satp, (5UL << 60) | 0x1234);
        printf_("satp write mode 5 (reserved) -> unchanged=%d\n", csr_read(satp) == satp_k);
        check("satp reserved", csr_read(satp) == satp_k);
        csr_write(satp, old);
    }
    T("S load RW page", MODE_S, satp_k, p_ld, TVA(0), 0, 'M', 0, 0);
    printf_("  value=%016lx\n", r_);
    check("S load RW", r_ == PG(0, 0));
    T("S load R page", MODE_S, satp_k, p_ld, TVA(1), 0, 'M', 0, 0);
    printf_("  value=%016lx\n", r_);
    T("S store R page", MODE_S, satp_k, p_sd, TVA(1) + 8, 1, 'M', 15, TVA(1) + 8);
    T("S load invalid page", MODE_S, satp_k, p_ld, TVA(7) + 0x10, 1, 'M', 13, TVA(7) + 0x10);
    T("S store invalid page", MODE_S, satp_k, p_sd, TVA(7) + 0x18, 1, 'M', 15, TVA(7) + 0x18);
    T("S load unmapped gigapage", MODE_S, satp_k, p_ld, 0xc0000000UL, 1, 'M', 13, 0xc0000000UL);
    T("S load non-canonical", MODE_S, satp_k, p_ld, NONCANON, 1, 'M', 13, NONCANON);
    T("S store non-canonical", MODE_S, satp_k, p_sd, 0xffff000080000000UL, 1, 'M', 15,
      0xffff000080000000UL);
    T("S load W-only (reserved)", MODE_S, satp_k, p_ld, TVA(9), 1, 'M', 13, TVA(9));
    T("S store W-only (reserved)", MODE_S, satp_k, p_sd, TVA(9), 1, 'M', 15, TVA(9));
    T("S load non-leaf at level 0", MODE_S, satp_k, p_ld, TVA(11), 1, 'M', 13, TVA(11));
    T("S load misaligned megapage", MODE_S, satp_k, p_ld, MISALIGNED_MEGA + 8, 1, 'M', 13,
      MISALIGNED_MEGA + 8);
    T("S exec X-only page", MODE_S, satp_k, p_call, TVA(2), 0, 'M', 0, 0);
    printf_("  ret=%lx\n", r_);
    check("S exec", r_ == 42);
    T("S exec R-only page", MODE_S, satp_k, p_call, TVA(1), 1, 'M', 12, TVA(1));
    T("S exec invalid page", MODE_S, satp_k, p_call, TVA(7) + 0x40, 1, 'M', 12, TVA(7) + 0x40);
    T("S exec non-canonical", MODE_S, satp_k, p_call, NONCANON + 0x100, 1, 'M', 12,
      NONCANON + 0x100);
    T("S store RW page", MODE_S, satp_k, p_sd, TVA(0) + 8, 0, 'M', 0, 0);
    printf_("  phys=%016lx\n", PG(0, 1));
    check("S store RW", PG(0, 1) == TVA(0) + 8);
    T("S alias write/read", MODE_S, satp_k, s_alias, 0xfeedface12345678UL, 0, 'M', 0, 0);
    printf_("  via alias=%016lx phys=%016lx\n", r_, PG(0, 0));
    check("alias", r_ == 0xfeedface12345678UL && PG(0, 0) == r_);

    /* ================================================ A/D bits */
    puts_("-- A/D bits\n");
    {
        uint64_t f0 = PTE_FL(5);
        T("S load A=0 page", MODE_S, satp_k, p_ld, TVA(5), 0, 'M', 0, 0);
        uint64_t f1 = PTE_FL(5);
        T("S store A=1 D=0 page", MODE_S, satp_k, p_sd, TVA(5) + 16, 0, 'M', 0, 0);
        uint64_t f2 = PTE_FL(5);
        printf_("  pte flags: initial=%lx after-load=%lx after-store=%lx\n", f0, f1, f2);
        /* if no fault was raised, the hardware must have set A (and D) */
        check("A after load", (f1 & PTE_A) != 0);
        check("D after store", (f2 & (PTE_A | PTE_D)) == (PTE_A | PTE_D));
        check("no D after load", !(f1 & PTE_D));
        f0 = PTE_FL(12);
        set_mst(0, ST_SUM);
        T("S store A=0 D=0 U page (SUM=1)", MODE_S, satp_k, p_sd, TVA(12), 0, 'M', 0, 0);
        set_mst(ST_SUM, 0);
        printf_("  pte flags: initial=%lx after-store=%lx\n", f0, PTE_FL(12));
        check("A/D after store", (PTE_FL(12) & (PTE_A | PTE_D)) == (PTE_A | PTE_D));
    }

    /* ================================================ sfence.vma */
    puts_("-- sfence.vma\n");
    T("S remap + sfence.vma", MODE_S, satp_k, s_remap, TVA(8), 0, 'M', 0, 0);
    printf_("  before=%016lx after=%016lx\n", sres[0], sres[1]);
    check("remap", sres[0] == PG(8, 0) && sres[1] == PG(9, 0));

    /* ================================================ SUM / MXR */
    puts_("-- SUM/MXR\n");
    set_mst(ST_SUM | ST_MXR, 0);
    T("S load U page SUM=0", MODE_S, satp_k, p_ld, TVA(3), 1, 'M', 13, TVA(3));
    T("S store U page SUM=0", MODE_S, satp_k, p_sd, TVA(3), 1, 'M', 15, TVA(3));
    T("S exec U page SUM=0", MODE_S, satp_k, p_call, TVA(4), 1, 'M', 12, TVA(4));
    set_mst(0, ST_SUM);
    T("S load U page SUM=1", MODE_S, satp_k, p_ld, TVA(3), 0, 'M', 0, 0);
    printf_("  value=%016lx\n", r_);
    T("S store U page SUM=1", MODE_S, satp_k, p_sd, TVA(3) + 8, 0, 'M', 0, 0);
    T("S exec U page SUM=1", MODE_S, satp_k, p_call, TVA(4), 1, 'M', 12, TVA(4));
    set_mst(ST_SUM, 0);
    T("S load X-only MXR=0", MODE_S, satp_k, p_ld, TVA(2), 1, 'M', 13, TVA(2));
    set_mst(0, ST_MXR);
    T("S load X-only MXR=1", MODE_S, satp_k, p_ld, TVA(2), 0, 'M', 0, 0);
    printf_("  value=%016lx\n", r_);
    T("S store X-only MXR=1", MODE_S, satp_k, p_sd, TVA(2) + 8, 1, 'M', 15, TVA(2) + 8);
    T("S load U X-only MXR=1 SUM=0", MODE_S, satp_k, p_ld, TVA(10), 1, 'M', 13, TVA(10));
    set_mst(ST_MXR, 0);

    puts_("-- U mode with paging\n");
    T("U load U page", MODE_U, satp_u, p_ld, TVA(3), 0, 'M', 0, 0);
    printf_("  value=%016lx\n", r_);
    T("U load S page", MODE_U, satp_u, p_ld, TVA(0), 1, 'M', 13, TVA(0));
    T("U store S page", MODE_U, satp_u, p_sd, TVA(0), 1, 'M', 15, TVA(0));
    T("U store U RX page", MODE_U, satp_u, p_sd, TVA(4), 1, 'M', 15, TVA(4));
    T("U exec U X-only page", MODE_U, satp_u, p_call, TVA(10), 0, 'M', 0, 0);
    printf_("  ret=%lx\n", r_);
    T("U exec S X-only page", MODE_U, satp_u, p_call, TVA(2), 1, 'M', 12, TVA(2));
    T("U load U X-only MXR=0", MODE_U, satp_u, p_ld, TVA(10), 1, 'M', 13, TVA(10));
    set_mst(0, ST_MXR);
    T("U load U X-only MXR=1", MODE_U, satp_u, p_ld, TVA(10), 0, 'M', 0, 0);
    printf_("  value=%016lx\n", r_);
    set_mst(ST_MXR, ST_SUM);
    T("U load S page SUM=1", MODE_U, satp_u, p_ld, TVA(0), 1, 'M', 13, TVA(0));
    set_mst(ST_SUM, 0);

    /* ================================================ MPRV */
    puts_("-- MPRV\n");
    {
        uint64_t pc, r;
        int n0;
        csr_write(satp, satp_k);
        __asm__ volatile("sfence.vma" ::: "memory");
        n0 = nlog;
        r = mprv_ld(MPP_S, 0, TVA(6), &pc);
        report("M MPRV MPP=S load S page", n0, pc, 0, 'M', 0, 0);
        printf_("  value=%016lx\n", r);
        check("mprv s", r == PG(0, 0));
        n0 = nlog;
        r = mprv_ld(MPP_S, 0, TVA(3), &pc);
        report("M MPRV MPP=S load U page SUM=0", n0, pc, 1, 'M', 13, TVA(3));
        n0 = nlog;
        r = mprv_ld(MPP_S, ST_SUM, TVA(3), &pc);
        report("M MPRV MPP=S load U page SUM=1", n0, pc, 0, 'M', 0, 0);
        printf_("  value=%016lx\n", r);
        n0 = nlog;
        r = mprv_ld(MPP_U, 0, TVA(3), &pc);
        report("M MPRV MPP=U load U page", n0, pc, 0, 'M', 0, 0);
        printf_("  value=%016lx\n", r);
        n0 = nlog;
        r = mprv_ld(MPP_U, 0, TVA(0), &pc);
        report("M MPRV MPP=U load S page", n0, pc, 1, 'M', 13, TVA(0));
        n0 = nlog;
        r = mprv_ld(MPP_S, ST_MXR, TVA(2), &pc);
        report("M MPRV MPP=S MXR=1 load X-only", n0, pc, 0, 'M', 0, 0);
        printf_("  value=%016lx\n", r);
        n0 = nlog;
        r = mprv_ld(MPP_M, 0, (uint64_t)&PG(0, 0), &pc);
        report("M MPRV MPP=M load physical", n0, pc, 0, 'M', 0, 0);
        check("mprv m", r == PG(0, 0));
        n0 = nlog;
        mprv_sd(MPP_S, TVA(1) + 24, 0x42, &pc);
        report("M MPRV MPP=S store R page", n0, pc, 1, 'M', 15, TVA(1) + 24);
        n0 = nlog;
        mprv_sd(MPP_S, TVA(0) + 24, 0x4242, &pc);
        report("M MPRV MPP=S store RW page", n0, pc, 0, 'M', 0, 0);
        printf_("  phys=%lx\n", PG(0, 3));
        check("mprv store", PG(0, 3) == 0x4242);
        /* M-mode traps are never delegated */
        csr_write(medeleg, (1UL << 13) | (1UL << 15));
        n0 = nlog;
        r = mprv_ld(MPP_S, 0, TVA(7), &pc);
        report("M MPRV load fault with medeleg[13]=1", n0, pc, 1, 'M', 13, TVA(7));
        csr_write(medeleg, 0);
        csr_write(satp, 0);
        set_mst(MST_MASK, MPP_M);
    }

    /* ================================================ delegation */
    puts_("-- exception delegation\n");
    T("U illegal, not delegated", MODE_U, 0, p_illegal, 0, 1, 'M', 2, ANY);
    T("U ecall, not delegated", MODE_U, 0, p_ecall, 0, 1, 'M', 8, 0);
    csr_write(medeleg, (1UL << 2) | (1UL << 8) | (1UL << 12) | (1UL << 13) | (1UL << 15));
    printf_("medeleg write -> %lx\n", csr_read(medeleg) & 0xb3ff);
    T("U illegal, delegated", MODE_U, 0, p_illegal, 0, 1, 'S', 2, ANY);
    T("U ecall, delegated", MODE_U, 0, p_ecall, 0, 1, 'S', 8, 0);
    T("U mscratch read, delegated", MODE_U, 0, p_mscratch, 0, 1, 'S', 2, ANY);
    T("S load fault, delegated", MODE_S, satp_k, p_ld, TVA(7), 1, 'S', 13, TVA(7));
    T("S store fault, delegated", MODE_S, satp_k, p_sd, TVA(1), 1, 'S', 15, TVA(1));
    T("S fetch fault, delegated", MODE_S, satp_k, p_call, TVA(7) + 0x80, 1, 'S', 12,
      TVA(7) + 0x80);
    T("S ecall, not delegated", MODE_S, satp_k, p_ecall, 0, 1, 'M', 9, 0);
    set_mst(0, ST_SIE);
    T("S illegal delegated (SIE=1 -> SPIE)", MODE_S, satp_k, p_illegal, 0, 1, 'S', 2, ANY);
    set_mst(ST_SIE, 0);
    csr_write(medeleg, 0);

    /* ================================================ privileged insns */
    puts_("-- privileged instructions from U/S\n");
    T("U sret", MODE_U, 0, p_sret_raw, 0, 1, 'M', 2, ANY);
    T("U mret", MODE_U, 0, p_mret, 0, 1, 'M', 2, ANY);
    T("U sfence.vma", MODE_U, 0, p_sfence, 0, 1, 'M', 2, ANY);
    T("U wfi", MODE_U, 0, p_wfi, 0, 1, 'M', 2, ANY);
    T("U satp read", MODE_U, 0, p_satp_r, 0, 1, 'M', 2, ANY);
    T("S mret", MODE_S, satp_k, p_mret, 0, 1, 'M', 2, ANY);
    T("S sret TSR=0", MODE_S, satp_k, p_sret_same, 0, 0, 'M', 0, 0);
    T("S sfence.vma TVM=0", MODE_S, satp_k, p_sfence_va, TVA(0), 0, 'M', 0, 0);
    T("S satp read TVM=0", MODE_S, satp_k, p_satp_r, 0, 0, 'M', 0, 0);
    printf_("  satp-ok=%d\n", r_ == satp_k);
    check("S satp read", r_ == satp_k);
    csr_write(sscratch, 0);
    T("S satp write TVM=0", MODE_S, 0, p_satp_w, 0, 0, 'M', 0, 0);
    set_mst(0, ST_TVM);
    T("S satp read TVM=1", MODE_S, satp_k, p_satp_r, 0, 1, 'M', 2, ANY);
    T("S satp write TVM=1", MODE_S, satp_k, p_satp_w, 0, 1, 'M', 2, ANY);
    T("S sfence.vma TVM=1", MODE_S, satp_k, p_sfence, 0, 1, 'M', 2, ANY);
    T("S sfence.vma va TVM=1", MODE_S, satp_k, p_sfence_va, TVA(0), 1, 'M', 2, ANY);
    set_mst(ST_TVM, ST_TSR);
    T("S sret TSR=1", MODE_S, satp_k, p_sret_same, 0, 1, 'M', 2, ANY);
    set_mst(ST_TSR, ST_TW);
    T("S wfi TW=1", MODE_S, satp_k, p_wfi, 0, 1, 'M', 2, ANY);
    set_mst(ST_TW, 0);
    csr_write(mideleg, 0x222);
    T("S wfi TW=0 with SSI pending, SIE=0", MODE_S, satp_k, s_wfi_pending, 0, 0, 'M', 0, 0);
    printf_("  ret=%lx sip=%lx\n", r_, sres[0]);
    csr_write(mideleg, 0);

    /* ================================================ counters */
    puts_("-- counter enables\n");
    {
        static const struct { const char *n; uint64_t (*f)(uint64_t); int bit; } ctr[3] = {
            {"cycle", p_cycle, 0}, {"time", p_time, 1}, {"instret", p_instret, 2}};
        for (int i = 0; i < 3; i++) {
            uint64_t b = 1UL << ctr[i].bit;
            int n0;
            printf_("%s:\n", ctr[i].n);
            csr_write(mcounteren, 0);
            csr_write(scounteren, ~0UL);
            n0 = nlog; run(MODE_S, 0, ctr[i].f, 0);
            report("  S mcounteren=0", n0, (uint64_t)ctr[i].f, 1, 'M', 2, ANY);
            n0 = nlog; run(MODE_U, 0, ctr[i].f, 0);
            report("  U mcounteren=0 scounteren=1", n0, (uint64_t)ctr[i].f, 1, 'M', 2, ANY);
            csr_write(mcounteren, b);
            csr_write(scounteren, 0);
            n0 = nlog; run(MODE_S, 0, ctr[i].f, 0);
            report("  S mcounteren=1", n0, (uint64_t)ctr[i].f, 0, 'M', 0, 0);
            n0 = nlog; run(MODE_U, 0, ctr[i].f, 0);
            report("  U mcounteren=1 scounteren=0", n0, (uint64_t)ctr[i].f, 1, 'M', 2, ANY);
            csr_write(scounteren, b);
            n0 = nlog; run(MODE_U, 0, ctr[i].f, 0);
            report("  U mcounteren=1 scounteren=1", n0, (uint64_t)ctr[i].f, 0, 'M', 0, 0);
            csr_write(mcounteren, ~b);
            n0 = nlog; run(MODE_S, 0, ctr[i].f, 0);
            report("  S mcounteren=others", n0, (uint64_t)ctr[i].f, 1, 'M', 2, ANY);
        }
        csr_write(mcounteren, 0);
        csr_write(scounteren, 0);
    }

    /* ================================================ interrupts into S */
    puts_("-- supervisor interrupts\n");
    {
        csr_write(mideleg, 0x222);
        csr_write(mie, 0);
        T("S SSI via sip (delegated)", MODE_S, satp_k, s_ssi, 0, 1, 'S', IRQ | 1, 0);
        printf_("  sip before enable=%lx traps-before-enable=%d sip after=%lx\n", sres[0],
                (int)(sres[1] - (uint64_t)(nlog - 1)), sres[2]);
        check("ssi vec", lg[nlog - 1].vec == 1);

        csr_set(mip, I_STI);
        T("S STI via mip (delegated)", MODE_S, satp_k, s_sti, 0, 1, 'S', IRQ | 5, 0);
        printf_("  sip=%lx sie after=%lx\n", sres[0], sres[2]);
        check("sti vec", lg[nlog - 1].vec == 5);
        csr_clear(mip, I_STI);

        csr_set(mip, I_STI);
        T("S SSI+STI pending (SSI first)", MODE_S, satp_k, s_both, 0, 2, 'S', IRQ | 1, 0);
        printf_("  sip=%lx\n", sres[0]);
        check("prio", lg[nlog - 1].cause == (IRQ | 5));
        csr_clear(mip, I_STI);
        csr_write(mie, 0);

        /* delegated SSI is taken in U even with SIE=0 */
        set_mst(ST_SIE, 0);
        csr_set(mie, I_SSI);
        csr_set(mip, I_SSI);
        T("U with delegated SSI pending, SIE=0", MODE_U, 0, u_nop, 1, 1, 'S', IRQ | 1, 0);
        printf_("  ret=%lx\n", r_);
        /* delegated SSI is not taken in S with SIE=0 */
        csr_set(mip, I_SSI);
        T("S with delegated SSI pending, SIE=0", MODE_S, 0, u_nop, 1, 0, 'M', 0, 0);
        printf_("  mip after=%lx\n", csr_read(mip) & 0x222);
        csr_clear(mip, I_SSI);
        csr_write(mie, 0);

        /* not delegated: taken in M from S, even with mstatus.MIE=0 */
        csr_write(mideleg, 0);
        csr_set(mie, I_SSI);
        csr_set(mip, I_SSI);
        T("S with SSI pending, not delegated", MODE_S, satp_k, s_nop, 0, 1, 'M', IRQ | 1, 0);
        csr_set(mie, I_STI);
        csr_set(mip, I_STI);
        T("U with STI pending, not delegated", MODE_U, 0, u_nop, 0, 1, 'M', IRQ | 5, 0);
        csr_write(mie, 0);
        csr_write(mip, 0);
        csr_write(mideleg, 0);
    }

    set_mst(MST_MASK, MPP_M);
    printf_("priv done, %d failures, %d traps\n", fails, nlog);
    return fails > 100 ? 100 : fails;
}
