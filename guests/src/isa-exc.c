/* Synchronous exceptions in M mode: illegal instructions, ECALL/EBREAK,
 * load/store/AMO access faults, misaligned AMO/LR/SC, instruction access
 * fault, and that a trapping instruction has no architectural side
 * effects.  mepc is printed relative to the trapping instruction. */
#include "check.h"

/* trap log: [0] = count, entry k at [1+4k]: mcause, mepc, mtval, mstatus */
volatile uint64_t trap_info[1 + 16 * 4];
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
    "  li t1, 1\n  beq t0, t1, 6f\n"
    "  csrr t0, mepc\n"            /* skip the trapping instruction */
    "  lhu t1, 0(t0)\n"
    "  andi t1, t1, 3\n"
    "  addi t0, t0, 2\n"
    "  li t2, 3\n"
    "  bne t1, t2, 7f\n"
    "  addi t0, t0, 2\n"
    "7: csrw mepc, t0\n"
    "  j 9f\n"
    "6: csrw mepc, ra\n"            /* instruction access fault: return to caller */
    "9: ld t0, 0(sp)\n"
    "  ld t1, 8(sp)\n"
    "  ld t2, 16(sp)\n"
    "  addi sp, sp, 32\n"
    "  mret\n"
    ".text\n");

#define SENT 0x5e5e5e5e5e5e5e5eUL
#define BAD 0x90000000UL

static uint64_t n_traps;

/* Corners where QEMU 7.2 departs from the privileged spec (see NOTES-isa.md): the
 * differential test must not depend on them, so these fields are not printed or checked.
 * The VMM's unit tests check the spec's values for them. */
#define HIDE_TVAL  1
#define HIDE_CAUSE 2
static int hide;
static const volatile uint64_t *entry(uint64_t k) { return &trap_info[1 + 4 * (k & 15)]; }

/* Reports the traps since n0; checks count and (first) cause. */
static void report(const char *name, uint64_t n0, uint64_t pc, uint64_t rd,
                   uint64_t want_n, uint64_t want_cause)
{
    uint64_t n = trap_info[0] - n0;
    printf_("%s: traps %lu", name, n);
    for (uint64_t k = n0; k < trap_info[0] && k < n0 + 16; k++) {
        const volatile uint64_t *e = entry(k);
        if (hide & HIDE_CAUSE) printf_(" [mcause -"); else printf_(" [mcause %lx", e[0]);
        printf_(" mepc+%lx", e[1] - pc);
        if (hide & HIDE_TVAL) printf_(" mtval -"); else printf_(" mtval %lx", e[2]);
        printf_(" mpp %lx]", (e[3] >> 11) & 3);
        sig_word((hide & HIDE_CAUSE) ? 0 : (uint32_t)e[0]);
        sig_word((hide & HIDE_TVAL) ? 0 : (uint32_t)e[2]);
    }
    printf_(" rd %016lx\n", rd);
    check(name, n, want_n);
    if (want_n && n) {
        if (!(hide & HIDE_CAUSE)) check(name, entry(n0)[0], want_cause);
        check(name, entry(n0)[1], pc);
        if (want_cause != 0) check("rd unchanged", rd, SENT);
    }
    n_traps += n;
}

/* one instruction (at label 1) that may trap; rd preset to SENT, rs1 = t1 */
#define XTRY(name, insn, rsval, want_n, want_cause)                          \
    do {                                                                     \
        uint64_t _rd, _pc, _n0 = trap_info[0];                               \
        __asm__ volatile("li %0, %3\n"                                       \
                         "mv t1, %2\n"                                       \
                         NORVC("1: " insn)                                   \
                         "\nlla %1, 1b"                                      \
                         : "=&r"(_rd), "=&r"(_pc) : "r"((uint64_t)(rsval)), "i"(SENT) \
                         : "t1", "memory");                                  \
        report(name, _n0, _pc, _rd, want_n, want_cause);                     \
    } while (0)

#define XTRY_HIDE(h, name, insn, rsval, want_n, want_cause) \
    do { hide = (h); XTRY(name, insn, rsval, want_n, want_cause); hide = 0; } while (0)

static uint64_t buf[4] __attribute__((aligned(16)));

int main(void)
{
    puts_("isa-exc\n");
    csr_write(mtvec, (uintptr_t)trap_vec);

    /* ---- illegal instructions ---- */
    XTRY("illegal 16-bit 0x0000", ".2byte 0x0000", 0, 1, 2);
    XTRY("illegal 0xffffffff", ".word 0xffffffff", 0, 1, 2);
    XTRY("illegal opcode 0x6b (reserved)", ".word 0x00a5056b", 0, 1, 2);
    XTRY("illegal opcode 0x7b (custom-3)", ".word 0x0000007b", 0, 1, 2);
    XTRY("illegal slliw shamt 32", ".word 0x0203151b", 0, 1, 2);
    XTRY("illegal srliw shamt 32", ".word 0x0203551b", 0, 1, 2);
    XTRY("illegal sraiw shamt 32", ".word 0x4203551b", 0, 1, 2);
    XTRY("illegal flw (no F / FS=Off)", ".word 0x00032507", 0, 1, 2);
    XTRY("illegal c.addi4spn imm 0", ".2byte 0x0004", 0, 1, 2);
    XTRY("illegal c.addi16sp imm 0", ".2byte 0x6101", 0, 1, 2);
    XTRY("illegal c.lui imm 0", ".2byte 0x6501", 0, 1, 2);
    XTRY("illegal c.jr x0", ".2byte 0x8002", 0, 1, 2);
    XTRY("illegal c.lwsp rd=0", ".2byte 0x4002", 0, 1, 2);
    XTRY("illegal c.ldsp rd=0", ".2byte 0x6002", 0, 1, 2);
    XTRY("illegal c.addiw rd=0", ".2byte 0x2005", 0, 1, 2);
    /* an illegal instruction has no side effects on its rd field */
    XTRY("illegal csrrw rd mhartid", "csrrw %0, mhartid, t1", 0, 1, 2);

    /* ---- ECALL / EBREAK ---- */
    XTRY("ecall", "ecall", 0, 1, 11);
    XTRY("ebreak", "ebreak", 0, 1, 3);
    check("ecall mtval", entry(trap_info[0] - 2)[2], 0);

    /* ---- load access faults (unmapped physical address) ---- */
    XTRY("lb unmapped", "lb %0, 0(t1)", BAD, 1, 5);
    XTRY("lh unmapped", "lh %0, 0(t1)", BAD, 1, 5);
    XTRY("lw unmapped", "lw %0, 0(t1)", BAD, 1, 5);
    XTRY("ld unmapped", "ld %0, 0(t1)", BAD, 1, 5);
    XTRY("lbu unmapped", "lbu %0, 0(t1)", BAD, 1, 5);
    XTRY("lhu unmapped", "lhu %0, 0(t1)", BAD, 1, 5);
    XTRY("lwu unmapped", "lwu %0, 0(t1)", BAD, 1, 5);
    XTRY("ld unmapped offset -8", "ld %0, -8(t1)", BAD + 0x10, 1, 5);
    /* misaligned accesses to unmapped memory: see NOTES-isa.md for mtval */
    XTRY_HIDE(HIDE_TVAL, "lw unmapped misaligned +2", "lw %0, 2(t1)", BAD, 1, 5);
    XTRY_HIDE(HIDE_TVAL, "lh unmapped misaligned +1", "lh %0, 1(t1)", BAD, 1, 5);
    XTRY_HIDE(HIDE_TVAL, "ld unmapped misaligned +3", "ld %0, 3(t1)", BAD, 1, 5);
    XTRY_HIDE(HIDE_TVAL, "lwu unmapped misaligned +7", "lwu %0, 7(t1)", BAD, 1, 5);
    XTRY("sh unmapped misaligned +1", "sh t1, 1(t1)", BAD, 1, 7);
    XTRY("sw unmapped misaligned +2", "sw t1, 2(t1)", BAD, 1, 7);
    XTRY("sd unmapped misaligned +5", "sd t1, 5(t1)", BAD, 1, 7);
    {
        uint64_t rd, pc, n0 = trap_info[0];
        __asm__ volatile("li a5, %2\n mv a4, %3\n"
                         "1: c.ld a5, 8(a4)\n"
                         "mv %0, a5\n lla %1, 1b"
                         : "=&r"(rd), "=&r"(pc) : "i"(SENT), "r"(BAD) : "a4", "a5", "memory");
        report("c.ld unmapped", n0, pc, rd, 1, 5);
    }

    /* ---- store access faults ---- */
    XTRY("sb unmapped", "sb t1, 0(t1)", BAD, 1, 7);
    XTRY("sh unmapped", "sh t1, 0(t1)", BAD, 1, 7);
    XTRY("sw unmapped", "sw t1, 0(t1)", BAD, 1, 7);
    XTRY("sd unmapped", "sd t1, 0(t1)", BAD, 1, 7);
    XTRY("sd unmapped offset 2047", "sd t1, 2047(t1)", BAD, 1, 7);

    /* ---- AMO / LR / SC access faults ----
     * QEMU 7.2 reports an AMO to an unmapped address as a LOAD access
     * fault (5), not a store/AMO access fault (7): see NOTES-isa.md */
    XTRY_HIDE(HIDE_CAUSE, "amoadd.w unmapped", "amoadd.w %0, t1, (t1)", BAD, 1, 5);
    XTRY_HIDE(HIDE_CAUSE, "amoswap.d unmapped", "amoswap.d %0, t1, (t1)", BAD, 1, 5);
    XTRY_HIDE(HIDE_CAUSE, "amomaxu.d unmapped", "amomaxu.d %0, t1, (t1)", BAD, 1, 5);
    XTRY("lr.w unmapped", "lr.w %0, (t1)", BAD, 1, 5);
    XTRY("lr.d unmapped", "lr.d %0, (t1)", BAD, 1, 5);
    /* QEMU: an SC without a matching reservation fails (rd=1) without
     * accessing memory, so no fault */
    XTRY("sc.w unmapped (no reservation)", "sc.w %0, t1, (t1)", BAD, 0, 0);
    XTRY("sc.d unmapped (no reservation)", "sc.d %0, t1, (t1)", BAD, 0, 0);

    /* ---- misaligned AMO / LR / SC ----
     * QEMU 7.2 reports misaligned AMOs as LOAD address misaligned (4), not
     * store/AMO address misaligned (6); misaligned LR gives 4; misalignment
     * takes priority over an access fault: see NOTES-isa.md */
    uintptr_t b = (uintptr_t)buf;
    for (int i = 0; i < 4; i++) buf[i] = 0x1111111111111111UL * (uint64_t)(i + 1);
    XTRY_HIDE(HIDE_CAUSE, "amoadd.w misaligned +2", "amoadd.w %0, t1, (t1)", b + 2, 1, 4);
    check("amo tval", entry(trap_info[0] - 1)[2], b + 2);
    XTRY_HIDE(HIDE_CAUSE, "amoswap.w misaligned +1", "amoswap.w %0, t1, (t1)", b + 1, 1, 4);
    XTRY_HIDE(HIDE_CAUSE, "amoor.d misaligned +4", "amoor.d %0, t1, (t1)", b + 4, 1, 4);
    XTRY_HIDE(HIDE_CAUSE, "amominu.d misaligned +7", "amominu.d %0, t1, (t1)", b + 7, 1, 4);
    XTRY("lr.w misaligned +2", "lr.w %0, (t1)", b + 2, 1, 4);
    XTRY("lr.d misaligned +4", "lr.d %0, (t1)", b + 4, 1, 4);
    XTRY_HIDE(HIDE_CAUSE, "amoadd.w misaligned+unmapped", "amoadd.w %0, t1, (t1)", BAD + 2, 1, 4);
    XTRY("lr.d misaligned+unmapped", "lr.d %0, (t1)", BAD + 4, 1, 4);
    for (int i = 0; i < 4; i++) {
        printf_("buf[%d] after faults -> %016lx\n", i, buf[i]);
        check("buf unchanged", buf[i], 0x1111111111111111UL * (uint64_t)(i + 1));
    }
    /* a misaligned plain load/store does NOT trap */
    XTRY("ld misaligned +3 (no trap)", "ld %0, 3(t1)", b, 0, 0);
    XTRY("sw misaligned +1 (no trap)", "sw t1, 1(t1)", b, 0, 0);

    /* ---- instruction access fault ---- */
    {
        uint64_t ra_out, pc, n0 = trap_info[0];
        __asm__ volatile(NORVC("li t1, %2\n"
                               "1: jalr ra, 0(t1)\n"
                               "mv %0, ra\n"
                               "lla %1, 1b")
                         : "=&r"(ra_out), "=&r"(pc) : "i"(BAD) : "t1", "ra", "memory");
        uint64_t n = trap_info[0] - n0;
        const volatile uint64_t *e = entry(n0);
        printf_("fetch unmapped: traps %lu [mcause %lx mepc %lx mtval %lx] ra-jalr %lx\n", n,
                e[0], e[1], e[2], ra_out - pc);
        sig_word((uint32_t)e[0]);
        check("fetch traps", n, 1);
        check("fetch cause", e[0], 1);
        check("fetch mepc", e[1], BAD);
        check("fetch ra", ra_out - pc, 4);
        n_traps += n;
        /* jump to an unmapped 2-byte aligned address via an odd jalr target */
        n0 = trap_info[0];
        __asm__ volatile(NORVC("li t1, %2\n"
                               "1: jalr ra, 3(t1)\n"
                               "mv %0, ra\n"
                               "lla %1, 1b")
                         : "=&r"(ra_out), "=&r"(pc) : "i"(BAD) : "t1", "ra", "memory");
        n = trap_info[0] - n0;
        e = entry(n0);
        printf_("fetch unmapped+2: traps %lu [mcause %lx mepc %lx mtval %lx] ra-jalr %lx\n", n,
                e[0], e[1], e[2], ra_out - pc);
        check("fetch2 cause", e[0], 1);
        check("fetch2 mepc", e[1], BAD + 2);
        n_traps += n;
    }

    printf_("total traps %lu, trap count %lu\n", n_traps, trap_info[0]);
    printf_("isa-exc done, %d failures\n", fails);
    return fails > 100 ? 100 : fails;
}
