/* RV64I control transfer conformance: JAL, JALR (offsets, odd targets,
 * rd == rs1, rd = x0), and all six conditional branches taken / not
 * taken, forward and backward, over signed/unsigned edge pairs. */
#include "check.h"


/* forward: result 1 when taken */
#define DEF_BR(op)                                                          \
    static uint64_t fw_##op(uint64_t a, uint64_t b)                         \
    {                                                                       \
        uint64_t t;                                                         \
        __asm__ volatile(NORVC("addi %0, x0, 7\n"                           \
                               #op " %1, %2, 1f\n"                          \
                               "addi %0, x0, 0\n"                           \
                               "jal x0, 2f\n"                               \
                               "1: addi %0, x0, 1\n"                        \
                               "2:")                                        \
                         : "=&r"(t) : "r"(a), "r"(b));                      \
        return t;                                                           \
    }                                                                       \
    static uint64_t bw_##op(uint64_t a, uint64_t b)                         \
    {                                                                       \
        uint64_t t;                                                         \
        __asm__ volatile(NORVC("addi %0, x0, 7\n"                           \
                               "jal x0, 3f\n"                               \
                               "1: addi %0, x0, 1\n"                        \
                               "jal x0, 2f\n"                               \
                               "3: " #op " %1, %2, 1b\n"                    \
                               "addi %0, x0, 0\n"                           \
                               "2:")                                        \
                         : "=&r"(t) : "r"(a), "r"(b));                      \
        return t;                                                           \
    }
DEF_BR(beq) DEF_BR(bne) DEF_BR(blt) DEF_BR(bge) DEF_BR(bltu) DEF_BR(bgeu)

struct br { const char *name; uint64_t (*fw)(uint64_t, uint64_t); uint64_t (*bw)(uint64_t, uint64_t); int kind; };
static const struct br brs[] = {
    { "beq", fw_beq, bw_beq, 0 }, { "bne", fw_bne, bw_bne, 1 },
    { "blt", fw_blt, bw_blt, 2 }, { "bge", fw_bge, bw_bge, 3 },
    { "bltu", fw_bltu, bw_bltu, 4 }, { "bgeu", fw_bgeu, bw_bgeu, 5 },
};

static const uint64_t V[] = {
    0, 1, 0xffffffffffffffffUL, 0x8000000000000000UL, 0x7fffffffffffffffUL,
    0x80000000UL, 0xffffffff80000000UL, 0x100000000UL,
};
#define NV (sizeof(V) / sizeof(V[0]))

static int expect(int kind, uint64_t a, uint64_t b)
{
    switch (kind) {
    case 0: return a == b;
    case 1: return a != b;
    case 2: return (int64_t)a < (int64_t)b;
    case 3: return (int64_t)a >= (int64_t)b;
    case 4: return a < b;
    default: return a >= b;
    }
}

int main(void)
{
    uint64_t r, l, base;
    puts_("isa-branch\n");

    for (unsigned o = 0; o < 6; o++) {
        for (unsigned i = 0; i < NV; i++) {
            for (unsigned j = 0; j < NV; j++) {
                uint64_t f = brs[o].fw(V[i], V[j]);
                uint64_t b = brs[o].bw(V[i], V[j]);
                printf_("%s %016lx %016lx -> fw %d bw %d\n", brs[o].name, V[i], V[j],
                        (int)f, (int)b);
                sig_word((uint32_t)(f | b << 1));
                check(brs[o].name, f, (uint64_t)expect(brs[o].kind, V[i], V[j]));
                check(brs[o].name, b, (uint64_t)expect(brs[o].kind, V[i], V[j]));
            }
        }
    }

    /* branch with rs1 == rs2 */
    __asm__ volatile(NORVC("addi %0, x0, 0\n"
                           "beq %1, %1, 1f\n addi %0, %0, 1\n1:\n"
                           "bne %1, %1, 1f\n addi %0, %0, 2\n1:\n"
                           "bge %1, %1, 1f\n addi %0, %0, 4\n1:\n"
                           "bgeu %1, %1, 1f\n addi %0, %0, 8\n1:\n"
                           "blt %1, %1, 1f\n addi %0, %0, 16\n1:\n"
                           "bltu %1, %1, 1f\n addi %0, %0, 32\n1:\n"
                           "beq x0, x0, 1f\n addi %0, %0, 64\n1:")
                     : "=&r"(r) : "r"(0x8000000000000000UL));
    out("branch rs1==rs2 fallthrough mask", r);
    check("branch rs1==rs2", r, 2 + 16 + 32);

    /* maximum branch displacements: +4092 forward, -4096 backward */
    __asm__ volatile(NORVC("addi %0, x0, 0\n"
                           "beq x0, x0, 1f\n"
                           ".fill 1022, 4, 0x00100013\n" /* addi x0,x0,1 */
                           "1: addi %0, %0, 1\n"
                           "jal x0, 3f\n"
                           "2: addi %0, %0, 2\n"
                           "jal x0, 4f\n"
                           ".fill 1022, 4, 0x00100013\n"
                           "3: bne %0, x0, 2b\n"  /* -4096 */
                           "addi %0, %0, 64\n"
                           "4:")
                     : "=&r"(r));
    out("branch max displacement", r);
    check("branch max displacement", r, 3);

    /* JAL: link value, forward and backward */
    __asm__ volatile(NORVC("jal %0, 1f\n"
                           "2: addi x0, x0, 0\n"
                           "1: lla %1, 2b")
                     : "=&r"(l), "=&r"(base));
    out("jal link - next", l - base);
    check("jal link", l, base);
    __asm__ volatile(NORVC("jal x0, 2f\n"
                           "1: jal x0, 3f\n"
                           "2: jal %0, 1b\n"
                           "4: addi x0, x0, 0\n"
                           "3: lla %1, 4b")
                     : "=&r"(l), "=&r"(base));
    out("jal backward link - next", l - base);
    check("jal backward link", l, base);
    /* JAL rd=x0 must not write x0; jal with a larger displacement */
    __asm__ volatile(NORVC("jal x0, 1f\n"
                           ".fill 4000, 4, 0x00000013\n"
                           "1: addi %0, x0, 0")
                     : "=&r"(r));
    out("jal x0 far -> x0", r);
    check("jal x0", r, 0);

    /* JALR: base + offset, link */
    __asm__ volatile(NORVC("lla %1, 1f\n"
                           "jalr %0, 0(%1)\n"
                           "2: addi x0, x0, 0\n"
                           "1: lla %1, 2b")
                     : "=&r"(l), "=&r"(base));
    out("jalr link - next", l - base);
    check("jalr link", l, base);
    /* odd target: bit 0 cleared */
    __asm__ volatile(NORVC("lla %1, 1f\n"
                           "addi %1, %1, 1\n"
                           "addi %0, x0, 0\n"
                           "jalr x0, 0(%1)\n"
                           "addi %0, x0, 9\n"
                           "1: addi %0, %0, 1")
                     : "=&r"(r), "=&r"(base));
    out("jalr odd target", r);
    check("jalr odd target", r, 1);
    /* odd via offset, positive and negative max immediates */
    __asm__ volatile(NORVC("lla %1, 1f\n"
                           "addi %1, %1, -2047\n"
                           "addi %0, x0, 0\n"
                           "jalr x0, 2047(%1)\n"   /* target = 1f exactly */
                           "addi %0, x0, 9\n"
                           "1: addi %0, %0, 1\n"
                           "lla %1, 2f\n"
                           "li t0, 2049\n"
                           "add %1, %1, t0\n"
                           "jalr x0, -2048(%1)\n"  /* 2f + 1 -> 2f */
                           "addi %0, x0, 9\n"
                           "2: addi %0, %0, 2")
                     : "=&r"(r), "=&r"(base) :: "t0");
    out("jalr +2047/-2048 offsets", r);
    check("jalr offsets", r, 3);
    /* rd == rs1: target computed from the old value */
    __asm__ volatile(NORVC("lla %0, 1f\n"
                           "jalr %0, 0(%0)\n"
                           "2: addi x0, x0, 0\n"
                           "1: lla %1, 2b")
                     : "=&r"(l), "=&r"(base));
    out("jalr rd==rs1 link - next", l - base);
    check("jalr rd==rs1", l, base);
    /* jalr with rd = ra used as a call/return pair */
    __asm__ volatile(NORVC("jal x0, 2f\n"
                           "1: addi %0, %0, 5\n"
                           "jalr x0, 0(t1)\n"
                           "2: addi %0, x0, 0\n"
                           "jal t1, 1b\n"
                           "addi %0, %0, 100")
                     : "=&r"(r) :: "t1");
    out("jal/jalr call-return", r);
    check("jal/jalr call-return", r, 105);
    /* target at a 2-byte (not 4-byte) aligned address: legal with C */
    __asm__ volatile(NORVC("addi %0, x0, 0\n"
                           "jal x0, 1f\n"
                           ".balign 4\n"
                           ".2byte 0x0001\n"      /* c.nop: misalign */
                           "1: jal %1, 2f\n"      /* at 4n+2 */
                           "3: addi x0, x0, 0\n"
                           ".2byte 0x0001\n"
                           "2: addi %0, %0, 1\n" /* at 4n+2 */
                           "lla t0, 3b\n"
                           "sub %1, %1, t0\n"
                           "lla t0, 4f\n"
                           "jalr x0, 0(t0)\n"
                           "addi %0, x0, 9\n"
                           ".2byte 0x0001\n"
                           "4: addi %0, %0, 2")
                     : "=&r"(r), "=&r"(l) :: "t0");
    out("halfword-aligned targets", r);
    out("halfword-aligned link - next", l);
    check("halfword targets", r, 3);
    check("halfword link", l, 0);

    printf_("isa-branch done, %d failures\n", fails);
    return fails > 100 ? 100 : fails;
}
