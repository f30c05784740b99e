/* Zicsr conformance: CSRRW/CSRRS/CSRRC/CSRRWI/CSRRSI/CSRRCI semantics on
 * read-write CSRs, x0 forms, read-only and unimplemented CSRs, privilege
 * checks from S and U mode, and a few observable WARL fields. */
#include "check.h"

/* trap log: [0] = count, entry k at [1+4k]: mcause, mepc, mtval, mstatus */
volatile uint64_t trap_info[1 + 16 * 4];
volatile uint64_t trap_resume;   /* where an ECALL from S/U returns to (in M) */
volatile uint64_t lower_base;    /* address of the first lower-mode instruction */
void trap_vec(void);

__asm__(
    ".section .text.trap_vec, \"ax\"\n"
    ".balign 4\n"
    ".globl trap_vec\n"
    "trap_vec:\n"
    "  addi sp, sp, -32\n"
    "  sd t0, 0(sp)\n"
    "  sd t1, 8(sp)\n"
    "  sd t2, 16(sp)\n"
    "  lla t0, trap_info\n"
    "  ld t1, 0(t0)\n"
    "  addi t2, t1, 1\n"
    "  sd t2, 0(t0)\n"
    "  andi t1, t1, 15\n"
    "  slli t1, t1, 5\n"
    "  add t0, t0, t1\n"
    "  csrr t1, mcause\n  sd t1, 8(t0)\n"
    "  csrr t1, mepc\n  sd t1, 16(t0)\n"
    "  csrr t1, mtval\n  sd t1, 24(t0)\n"
    "  csrr t1, mstatus\n  sd t1, 32(t0)\n"
    "  csrr t0, mcause\n"
    "  li t1, 8\n  beq t0, t1, 5f\n"
    "  li t1, 9\n  beq t0, t1, 5f\n"
    "  csrr t0, mepc\n"            /* skip the trapping instruction */
    "  lhu t1, 0(t0)\n"
    "  andi t1, t1, 3\n"
    "  addi t0, t0, 2\n"
    "  li t2, 3\n"
    "  bne t1, t2, 7f\n"
    "  addi t0, t0, 2\n"
    "7: csrw mepc, t0\n"
    "  j 9f\n"
    "5: li t0, 0x1800\n"            /* ECALL from S/U: resume in M */
    "  csrs mstatus, t0\n"
    "  lla t0, trap_resume\n"
    "  ld t0, 0(t0)\n"
    "  csrw mepc, t0\n"
    "9: ld t0, 0(sp)\n"
    "  ld t1, 8(sp)\n"
    "  ld t2, 16(sp)\n"
    "  addi sp, sp, 32\n"
    "  mret\n"
    ".text\n");

#define SENT 0x5e5e5e5e5e5e5e5eUL

/* Prints the traps taken since count n0 (epc relative to base). */
static uint64_t show_traps(const char *what, uint64_t n0, uint64_t base)
{
    uint64_t n = trap_info[0] - n0;
    printf_("%s: traps %lu", what, n);
    for (uint64_t k = n0; k < trap_info[0] && k < n0 + 16; k++) {
        const volatile uint64_t *e = &trap_info[1 + 4 * (k & 15)];
        printf_(" [cause %lx epc+%lx tval %lx mpp %lx]", e[0], e[1] - base, e[2],
                (e[3] >> 11) & 3);
        sig_word((uint32_t)e[0]);
    }
    puts_("\n");
    return n;
}

static uint64_t last_cause(void)
{
    return trap_info[1 + 4 * ((trap_info[0] - 1) & 15)];
}

/* M-mode: run one CSR instruction at label 1; rd preset to SENT */
#define MTRY(name, insn, rsval, expect_traps)                                 \
    do {                                                                     \
        uint64_t _rd, _pc, _n0 = trap_info[0];                               \
        __asm__ volatile("li %0, %3\n"                                       \
                         "mv t1, %2\n"                                       \
                         NORVC("1: " insn)                                   \
                         "\nlla %1, 1b"                                      \
                         : "=&r"(_rd), "=&r"(_pc) : "r"((uint64_t)(rsval)), "i"(SENT) \
                         : "t1", "memory");                                  \
        uint64_t _n = show_traps(name, _n0, _pc);                            \
        out(name " rd", _rd);                                                \
        check(name " traps", _n, (expect_traps));                            \
        if (expect_traps) {                                                  \
            check(name " cause", last_cause(), 2);                           \
            check(name " rd unchanged", _rd, SENT);                          \
        }                                                                    \
    } while (0)

/* Runs body in S (mpp=0x800) or U (mpp=0) mode; results in s2..s5. */
static uint64_t lres[4];
#define LOWER(mppval, body)                                                  \
    __asm__ volatile("li s2, %4\n li s3, %4\n li s4, %4\n li s5, %4\n"       \
                     "lla t0, 2f\n lla t1, trap_resume\n sd t0, 0(t1)\n"     \
                     "li t0, 0x1800\n csrc mstatus, t0\n"                    \
                     "li t0, " #mppval "\n csrs mstatus, t0\n"               \
                     "lla t0, 1f\n csrw mepc, t0\n"                          \
                     "lla t1, lower_base\n sd t0, 0(t1)\n"                   \
                     "mret\n"                                                \
                     NORVC("1:\n" body "\necall")                            \
                     "\n2:\n"                                                \
                     "mv %0, s2\n mv %1, s3\n mv %2, s4\n mv %3, s5\n"       \
                     : "=r"(lres[0]), "=r"(lres[1]), "=r"(lres[2]), "=r"(lres[3]) \
                     : "i"(SENT)                                             \
                     : "t0", "t1", "s2", "s3", "s4", "s5", "memory")

int main(void)
{
    uint64_t a, b, c, d;
    puts_("isa-csr\n");
    csr_write(mtvec, (uintptr_t)trap_vec);

    /* ---- read/modify/write semantics on mscratch ---- */
    __asm__ volatile(NORVC("csrrw x0, mscratch, %4\n"          /* csrw */
                           "csrrw %0, mscratch, %5\n"          /* swap */
                           "csrrs %1, mscratch, %6\n"          /* set bits */
                           "csrrc %2, mscratch, %7\n"          /* clear bits */
                           "csrrs %3, mscratch, x0")           /* read only */
                     : "=&r"(a), "=&r"(b), "=&r"(c), "=&r"(d)
                     : "r"(0x0123456789abcdefUL), "r"(0xf0f0f0f0f0f0f0f0UL),
                       "r"(0x000000000000ff0fUL), "r"(0x8000000000000001UL));
    out("mscratch csrw;csrrw old", a);
    out("mscratch csrrs old", b);
    out("mscratch csrrc old", c);
    out("mscratch final", d);
    check("csrrw old", a, 0x0123456789abcdefUL);
    check("csrrs old", b, 0xf0f0f0f0f0f0f0f0UL);
    check("csrrc old", c, 0xf0f0f0f0f0f0ffffUL);
    check("csrrc result", d, 0x70f0f0f0f0f0fffeUL);
    __asm__ volatile(NORVC("csrrwi %0, mscratch, 31\n"
                           "csrrsi %1, mscratch, 0x0a\n"
                           "csrrci %2, mscratch, 0x11\n"
                           "csrrsi x0, mscratch, 0\n"          /* no write */
                           "csrrci x0, mscratch, 0\n"          /* no write */
                           "csrrc x0, mscratch, x0\n"          /* no write */
                           "csrrs x0, mscratch, x0\n"          /* nop read */
                           "csrrsi %3, mscratch, 0")
                     : "=&r"(a), "=&r"(b), "=&r"(c), "=&r"(d));
    out("mscratch csrrwi old", a);
    out("mscratch csrrsi old", b);
    out("mscratch csrrci old", c);
    out("mscratch final", d);
    check("csrrwi old", a, 0x70f0f0f0f0f0fffeUL);
    check("csrrsi old", b, 31);
    check("csrrci old", c, 31);
    check("csrrci final", d, 0x0e);
    /* rd == rs1 swap */
    a = 0xabcdef0011223344UL;
    __asm__ volatile(NORVC("csrrw %0, mscratch, %0") : "+r"(a));
    out("csrrw rd==rs1 old", a);
    check("csrrw rd==rs1", a, 0x0e);
    out("csrrw rd==rs1 new", csr_read(mscratch));
    check("csrrw rd==rs1 new", csr_read(mscratch), 0xabcdef0011223344UL);
    /* csrrwi with uimm 0 clears */
    __asm__ volatile(NORVC("csrrwi %0, mscratch, 0\n csrr %1, mscratch") : "=&r"(a), "=&r"(b));
    out("csrrwi 0 old", a);
    out("csrrwi 0 new", b);
    check("csrrwi 0", b, 0);

    /* ---- sscratch ---- */
    __asm__ volatile(NORVC("csrrw x0, sscratch, %3\n"
                           "csrrc %0, sscratch, %4\n"
                           "csrrsi %1, sscratch, 0x1f\n"
                           "csrrci %2, sscratch, 0x3")
                     : "=&r"(a), "=&r"(b), "=&r"(c)
                     : "r"(~0UL), "r"(0x00ff00ff00ff00ffUL));
    out("sscratch csrrc old", a);
    out("sscratch csrrsi old", b);
    out("sscratch csrrci old", c);
    out("sscratch final", csr_read(sscratch));
    check("sscratch", csr_read(sscratch), 0xff00ff00ff00ff1cUL);

    /* ---- mepc: the spec says bit 0 always reads zero (IALIGN=16); QEMU 7.2 keeps it,
     * so bit 0 is masked out here and checked by the VMM's unit tests instead ---- */
    csr_write(mepc, 0x80000003UL);
    out("mepc write 80000003", csr_read(mepc) & ~1UL);
    csr_write(mepc, ~0UL);
    out("mepc write ~0", csr_read(mepc) & ~1UL);
    __asm__ volatile(NORVC("csrrwi x0, mepc, 0x1f\n csrr %0, mepc") : "=r"(a));
    out("mepc csrrwi 31", a & ~1UL);
    csr_write(mepc, 0);
    out("mepc write 0", csr_read(mepc) & ~1UL);
    csr_write(sepc, 0x1235UL);
    out("sepc write 1235", csr_read(sepc) & ~1UL);

    /* ---- mtvec mode field (WARL) ---- */
    {
        uint64_t base = 0x80001000UL;
        for (uint64_t m = 0; m < 4; m++) {
            csr_write(mtvec, (uintptr_t)trap_vec);
            __asm__ volatile(NORVC("csrrw x0, mtvec, %1\n csrr %0, mtvec")
                             : "=&r"(a) : "r"(base | m));
            csr_write(mtvec, (uintptr_t)trap_vec);
            printf_("mtvec write %lx -> %s%016lx\n", base | m,
                    a == (uintptr_t)trap_vec ? "unchanged " : "", a == (uintptr_t)trap_vec ? 0 : a);
        }
        csr_write(mtvec, (uintptr_t)trap_vec);
        __asm__ volatile(NORVC("csrrw x0, mtvec, %1\n csrr %0, mtvec") : "=&r"(a) : "r"(0x80002104UL));
        csr_write(mtvec, (uintptr_t)trap_vec);
        out("mtvec write 80002104", a);
        check("mtvec direct", a, 0x80002104UL);
    }

    /* ---- WARL delegation registers (masked to the standard bits) ---- */
    csr_write(medeleg, ~0UL);
    a = csr_read(medeleg);
    out("medeleg ~0 & b3ff", a & 0xb3ff);
    /* bit 11 (ecall from M) is read-only zero per the spec; QEMU 7.2 lets it be set: not printed */
    csr_write(medeleg, 0);
    out("medeleg 0", csr_read(medeleg));
    csr_write(mideleg, ~0UL);
    out("mideleg ~0 & 0x222", csr_read(mideleg) & 0x222);
    csr_write(mideleg, 0);
    out("mideleg 0 & 0x222", csr_read(mideleg) & 0x222);

    /* ---- read-only and unimplemented CSRs in M mode ---- */
    MTRY("csrrs mhartid x0", "csrrs %0, mhartid, x0", 0, 0);
    MTRY("csrrc mhartid x0", "csrrc %0, mhartid, x0", 0, 0);
    MTRY("csrrsi mhartid 0", "csrrsi %0, mhartid, 0", 0, 0);
    MTRY("csrrci mhartid 0", "csrrci %0, mhartid, 0", 0, 0);
    MTRY("csrrs mvendorid x0", "csrrs %0, mvendorid, x0", 0, 0);
    MTRY("csrrw mhartid", "csrrw %0, mhartid, t1", 0, 1);
    MTRY("csrrw x0 mhartid", "csrrw x0, mhartid, t1", 5, 1);
    MTRY("csrrwi mhartid 0", "csrrwi %0, mhartid, 0", 0, 1);
    MTRY("csrrs mhartid t1=1", "csrrs %0, mhartid, t1", 1, 1);
    MTRY("csrrc mhartid t1=1", "csrrc %0, mhartid, t1", 1, 1);
    MTRY("csrrsi mhartid 1", "csrrsi %0, mhartid, 1", 0, 1);
    MTRY("csrrw mvendorid", "csrrw %0, mvendorid, t1", 0, 1);
    MTRY("csrrci mvendorid 4", "csrrci %0, mvendorid, 4", 0, 1);
    MTRY("csrrs 0x8c0", "csrrs %0, 0x8c0, x0", 0, 1);
    MTRY("csrrw 0x8c0", "csrrw %0, 0x8c0, t1", 1, 1);
    MTRY("csrrs 0xfc0", "csrrs %0, 0xfc0, x0", 0, 1);
    MTRY("csrrwi 0x5c0", "csrrwi %0, 0x5c0, 1", 0, 1);
    /* csrrs/csrrc with rs1 != x0 holding 0 on a read-only CSR: illegal per the spec, not
     * trapped by QEMU 7.2; checked by the VMM's unit tests, not here. */

    /* mstatus.MPP after a plain MRET from M to M */
    __asm__ volatile("li t0, 0x1800\n csrs mstatus, t0\n"
                     "li t0, 0x88\n csrc mstatus, t0\n"     /* MPIE = MIE = 0 */
                     "lla t0, 1f\n csrw mepc, t0\n mret\n"
                     "1: csrr %0, mstatus" : "=r"(a) :: "t0", "memory");
    out("mstatus.MPP after mret", (a >> 11) & 3);
    out("mstatus.MPIE/MIE after mret", (a >> 3) & 0x11);

    /* ---- S and U mode: need a PMP entry granting RWX to everything ---- */
    csr_write(pmpaddr0, ~0UL >> 10);
    csr_write(pmpcfg0, 0x1f);
    out("pmpcfg0 & ff", csr_read(pmpcfg0) & 0xff);
    csr_write(sscratch, 0x1111);
    csr_write(mscratch, 0x2222);

    uint64_t n0 = trap_info[0];
    LOWER(0x800,
          "csrrs s2, sscratch, x0\n"       /* legal */
          "csrrw s3, sscratch, s3\n"       /* legal: writes SENT */
          "csrrs s4, mscratch, x0\n"       /* illegal: M CSR from S */
          "csrrw x0, mscratch, x0\n"       /* illegal */
          "csrrs s5, mhartid, x0\n"        /* illegal */
          "csrrsi x0, mstatus, 0\n"        /* illegal */
          "csrrwi x0, mtvec, 0\n");        /* illegal */
    show_traps("S-mode", n0, lower_base);
    out("S sscratch read", lres[0]);
    out("S sscratch csrrw old", lres[1]);
    out("S mscratch rd", lres[2]);
    out("S mhartid rd", lres[3]);
    check("S traps", trap_info[0] - n0, 6);
    check("S sscratch", lres[0], 0x1111);
    check("S sscratch old", lres[1], 0x1111);
    check("S mscratch rd", lres[2], SENT);
    check("S sscratch new", csr_read(sscratch), SENT);
    check("mscratch untouched", csr_read(mscratch), 0x2222);
    check("S ecall cause", last_cause(), 9);

    n0 = trap_info[0];
    LOWER(0x800,
          "csrrs s2, sstatus, x0\n"
          "csrrs s3, sepc, x0\n"
          "csrrsi s4, stvec, 0\n");
    show_traps("S-mode S CSRs", n0, lower_base);
    out("S sstatus.SPP/SPIE/SIE", lres[0] & 0x122);
    out("S sepc", lres[1] & ~1UL);
    check("S S-CSR traps", trap_info[0] - n0, 1);

    csr_write(sscratch, 0x3333);
    n0 = trap_info[0];
    LOWER(0,
          "csrrs s2, sscratch, x0\n"       /* illegal: S CSR from U */
          "csrrw x0, sscratch, x0\n"       /* illegal */
          "csrrs s3, mscratch, x0\n"       /* illegal */
          "csrrs s4, mhartid, x0\n"        /* illegal */
          "csrrs s5, sstatus, x0\n"        /* illegal */
          "csrrci x0, sepc, 0\n");         /* illegal */
    show_traps("U-mode", n0, lower_base);
    out("U sscratch rd", lres[0]);
    out("U mscratch rd", lres[1]);
    check("U traps", trap_info[0] - n0, 7);
    check("U sscratch rd", lres[0], SENT);
    check("U sscratch untouched", csr_read(sscratch), 0x3333);
    check("U ecall cause", last_cause(), 8);

    printf_("isa-csr done, %d failures\n", fails);
    return fails > 100 ? 100 : fails;
}
