/* RV64A conformance: LR/SC (success, failure without reservation, at a
 * different address, result codes) and every AMO in .W and .D forms with
 * aq/rl variants: returned old value, memory result, sign extension. */
#include "check.h"


#define DEF_AMO(fn, insn)                                                   \
    static uint64_t fn(void *p, uint64_t v)                                 \
    {                                                                       \
        uint64_t r;                                                         \
        __asm__ volatile(NORVC(insn " %0, %2, (%1)") : "=&r"(r) : "r"(p), "r"(v) : "memory"); \
        return r;                                                           \
    }
#define DEF_AMO4(op)                                                        \
    DEF_AMO(op##_w, #op ".w") DEF_AMO(op##_w_aq, #op ".w.aq")               \
    DEF_AMO(op##_w_rl, #op ".w.rl") DEF_AMO(op##_w_aqrl, #op ".w.aqrl")     \
    DEF_AMO(op##_d, #op ".d") DEF_AMO(op##_d_aq, #op ".d.aq")               \
    DEF_AMO(op##_d_rl, #op ".d.rl") DEF_AMO(op##_d_aqrl, #op ".d.aqrl")
DEF_AMO4(amoswap) DEF_AMO4(amoadd) DEF_AMO4(amoxor) DEF_AMO4(amoand)
DEF_AMO4(amoor) DEF_AMO4(amomin) DEF_AMO4(amomax) DEF_AMO4(amominu)
DEF_AMO4(amomaxu)

typedef uint64_t (*amo_fn)(void *, uint64_t);
struct amo { const char *name; amo_fn w[4]; amo_fn d[4]; };
#define AMOE(op) { #op, { op##_w, op##_w_aq, op##_w_rl, op##_w_aqrl }, \
                        { op##_d, op##_d_aq, op##_d_rl, op##_d_aqrl } }
static const struct amo amos[] = {
    AMOE(amoswap), AMOE(amoadd), AMOE(amoxor), AMOE(amoand), AMOE(amoor),
    AMOE(amomin), AMOE(amomax), AMOE(amominu), AMOE(amomaxu),
};
static const char *const sfx[4] = { "", ".aq", ".rl", ".aqrl" };

/* (memory, rs2) pairs */
static const uint64_t PAIRS[][2] = {
    { 0, 0 },
    { 1, 0xffffffffffffffffUL },
    { 0x7fffffff, 1 },
    { 0x80000000, 0x7fffffff },
    { 0xffffffffffffffffUL, 1 },
    { 0xffffffff80000000UL, 0xffffffffffffffffUL },
    { 0x8000000000000000UL, 0x7fffffffffffffffUL },
    { 0x123456789abcdef0UL, 0xdeadbeef00000005UL },  /* .W ignores rs2[63:32] */
    { 0x00000005fffffffeUL, 0x0000000180000001UL },
};
#define NP (sizeof(PAIRS) / sizeof(PAIRS[0]))

static uint64_t mem[4] __attribute__((aligned(64)));
static uint64_t far[16] __attribute__((aligned(64)));

static uint64_t lr_w(void *p)
{
    uint64_t r;
    __asm__ volatile(NORVC("lr.w %0, (%1)") : "=r"(r) : "r"(p) : "memory");
    return r;
}
static uint64_t lr_d(void *p)
{
    uint64_t r;
    __asm__ volatile(NORVC("lr.d %0, (%1)") : "=r"(r) : "r"(p) : "memory");
    return r;
}
static uint64_t sc_w(void *p, uint64_t v)
{
    uint64_t r;
    __asm__ volatile(NORVC("sc.w %0, %2, (%1)") : "=&r"(r) : "r"(p), "r"(v) : "memory");
    return r;
}
static uint64_t sc_d(void *p, uint64_t v)
{
    uint64_t r;
    __asm__ volatile(NORVC("sc.d %0, %2, (%1)") : "=&r"(r) : "r"(p), "r"(v) : "memory");
    return r;
}

int main(void)
{
    uint64_t r, r2;
    puts_("isa-a\n");

    /* ---- AMOs: plain forms over all pairs ---- */
    for (unsigned o = 0; o < 9; o++) {
        for (unsigned i = 0; i < NP; i++) {
            mem[0] = 0x5555555555555555UL;
            mem[1] = PAIRS[i][0];
            mem[2] = 0xaaaaaaaaaaaaaaaaUL;
            r = amos[o].d[0](&mem[1], PAIRS[i][1]);
            printf_("%s.d %016lx %016lx -> old %016lx mem %016lx\n", amos[o].name,
                    PAIRS[i][0], PAIRS[i][1], r, mem[1]);
            sig_word((uint32_t)mem[1]);
            sig_word((uint32_t)(mem[1] >> 32));
            check("amo.d old", r, PAIRS[i][0]);
            check("amo.d guard lo", mem[0], 0x5555555555555555UL);
            check("amo.d guard hi", mem[2], 0xaaaaaaaaaaaaaaaaUL);

            /* .W on the low word, then on the high word of mem[1] */
            for (int half = 0; half < 2; half++) {
                mem[1] = half ? (PAIRS[i][0] << 32) | 0x13579bdfu
                              : (0x2468aceeUL << 32) | (PAIRS[i][0] & 0xffffffffu);
                uint32_t *w = (uint32_t *)&mem[1] + half;
                r = amos[o].w[0](w, PAIRS[i][1]);
                printf_("%s.w%s ", amos[o].name, half ? "@4" : "@0");
                put_hex32((uint32_t)PAIRS[i][0]);
                printf_(" %016lx -> old %016lx mem %016lx\n", PAIRS[i][1], r, mem[1]);
                check("amo.w old sext", r,
                      (uint64_t)(int64_t)(int32_t)(uint32_t)PAIRS[i][0]);
                check("amo.w other half", half ? (uint32_t)mem[1] : (uint32_t)(mem[1] >> 32),
                      half ? 0x13579bdfu : 0x2468aceeu);
            }
            check("amo.w guard lo", mem[0], 0x5555555555555555UL);
            check("amo.w guard hi", mem[2], 0xaaaaaaaaaaaaaaaaUL);
        }
    }
    /* ---- aq / rl / aqrl variants ---- */
    for (unsigned o = 0; o < 9; o++) {
        for (int v = 1; v < 4; v++) {
            mem[1] = 0xfffffffe80000001UL;
            r = amos[o].d[v](&mem[1], 0x00000001fffffffdUL);
            printf_("%s.d%s -> old %016lx mem %016lx\n", amos[o].name, sfx[v], r, mem[1]);
            mem[1] = 0xfffffffe80000001UL;
            r = amos[o].w[v](&mem[1], 0x00000001fffffffdUL);
            printf_("%s.w%s -> old %016lx mem %016lx\n", amos[o].name, sfx[v], r, mem[1]);
        }
    }
    /* rd = x0: memory still updated; rd == rs2 */
    mem[1] = 40;
    __asm__ volatile(NORVC("amoadd.d x0, %2, (%1)\n amoadd.w x0, %2, (%1)\n"
                           "amoswap.d x0, x0, (%3)\n addi %0, x0, 0")
                     : "=&r"(r2) : "r"(&mem[1]), "r"(2UL), "r"(&mem[2]) : "memory");
    check("amo x0 stays 0", r2, 0);
    out("amoswap.d x0,x0 mem", mem[2]);
    check("amoswap.d x0,x0", mem[2], 0);
    __asm__ volatile(NORVC("amoadd.d x0, %0, (%1)")
                     :: "r"(1UL), "r"(&mem[1]) : "memory");
    out("amo rd=x0 mem", mem[1]);
    check("amo rd=x0 mem", mem[1], 45);
    r = 0x1111111122222222UL;
    mem[1] = 0x3333333344444444UL;
    __asm__ volatile(NORVC("amoswap.d %0, %0, (%1)") : "+r"(r) : "r"(&mem[1]) : "memory");
    out("amoswap rd==rs2 old", r);
    out("amoswap rd==rs2 mem", mem[1]);
    check("amoswap rd==rs2", r, 0x3333333344444444UL);
    check("amoswap rd==rs2 mem", mem[1], 0x1111111122222222UL);

    /* ---- LR / SC ---- */
    mem[1] = 0xffffffff80000000UL;
    r = lr_w(&mem[1]);
    out("lr.w sext", r);
    check("lr.w sext", r, 0xffffffff80000000UL);
    r = sc_w(&mem[1], 0x1234567887654321UL);
    out("sc.w after lr", r);
    out("sc.w mem", mem[1]);
    check("sc.w success", r, 0);
    check("sc.w mem", mem[1], 0xffffffff87654321UL);
    r = sc_w(&mem[1], 0x11111111);
    out("sc.w again (no reservation)", r);
    out("sc.w mem", mem[1]);
    check("sc.w mem unchanged", mem[1], 0xffffffff87654321UL);
    if (r == 0) { puts_("FAIL sc.w without reservation succeeded\n"); fails++; }

    mem[1] = 0x8000000000000001UL;
    r = lr_d(&mem[1]);
    out("lr.d", r);
    check("lr.d", r, 0x8000000000000001UL);
    r = sc_d(&mem[1], 0x0123456789abcdefUL);
    out("sc.d after lr", r);
    out("sc.d mem", mem[1]);
    check("sc.d success", r, 0);
    check("sc.d mem", mem[1], 0x0123456789abcdefUL);
    r = sc_d(&mem[1], 0x5555);
    out("sc.d again (no reservation)", r);
    out("sc.d mem", mem[1]);
    check("sc.d mem unchanged", mem[1], 0x0123456789abcdefUL);
    if (r == 0) { puts_("FAIL sc.d without reservation succeeded\n"); fails++; }

    /* SC to a different address than the LR (other cache line) */
    mem[1] = 7; far[8] = 9;
    (void)lr_d(&mem[1]);
    r = sc_d(&far[8], 0x77);
    out("sc.d other line", r);
    out("sc.d other line mem", far[8]);
    check("sc.d other line mem", far[8], 9);
    (void)lr_w(&mem[1]);
    r = sc_w(&far[8], 0x77);
    out("sc.w other line", r);
    check("sc.w other line mem", far[8], 9);
    /* SC to the neighbouring doubleword (same line) */
    mem[2] = 3;
    (void)lr_d(&mem[1]);
    r = sc_d(&mem[2], 0x99);
    out("sc.d adjacent", r);
    out("sc.d adjacent mem", mem[2]);
    /* the failed SC cleared the reservation: a following SC fails too */
    r = sc_d(&mem[1], 0x99);
    out("sc.d after failed sc", r);
    out("sc.d after failed sc mem", mem[1]);
    check("sc.d after failed sc mem", mem[1], 7);

    /* aq/rl variants of LR/SC, and an LR/SC increment loop */
    mem[1] = 0;
    for (int i = 0; i < 5; i++) {
        __asm__ volatile(NORVC("1: lr.d.aq t0, (%1)\n"
                               "addi t0, t0, 3\n"
                               "sc.d.rl %0, t0, (%1)\n"
                               "bnez %0, 1b")
                         : "=&r"(r) : "r"(&mem[1]) : "t0", "memory");
        __asm__ volatile(NORVC("1: lr.w.aqrl t0, (%1)\n"
                               "addi t0, t0, 1\n"
                               "sc.w.aqrl %0, t0, (%1)\n"
                               "bnez %0, 1b")
                         : "=&r"(r) : "r"(&mem[1]) : "t0", "memory");
        __asm__ volatile(NORVC("1: lr.d.aqrl t0, (%1)\n"
                               "addi t0, t0, 1\n"
                               "sc.d.aq %0, t0, (%1)\n"
                               "bnez %0, 1b")
                         : "=&r"(r) : "r"(&mem[1]) : "t0", "memory");
        __asm__ volatile(NORVC("1: lr.w.rl t0, (%1)\n"
                               "addi t0, t0, 1\n"
                               "sc.w %0, t0, (%1)\n"
                               "bnez %0, 1b")
                         : "=&r"(r) : "r"(&mem[1]) : "t0", "memory");
    }
    out("lr/sc loop", mem[1]);
    check("lr/sc loop", mem[1], 30);
    /* sc.w with rd = x0 after lr */
    (void)lr_w(&mem[1]);
    __asm__ volatile(NORVC("sc.w x0, %1, (%0)") :: "r"(&mem[1]), "r"(0x42UL) : "memory");
    out("sc.w rd=x0 mem", mem[1]);
    check("sc.w rd=x0 mem", mem[1], 0x42);

    printf_("isa-a done, %d failures\n", fails);
    return fails > 100 ? 100 : fails;
}
