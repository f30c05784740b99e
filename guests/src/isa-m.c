/* RV64M conformance: every multiply/divide instruction over a table of
 * edge operands, including division by zero and signed overflow. */
#include "check.h"


#define DEF_RR(op)                                                         \
    static uint64_t f_##op(uint64_t a, uint64_t b)                         \
    {                                                                      \
        uint64_t r;                                                        \
        __asm__ volatile(NORVC(#op " %0, %1, %2") : "=r"(r) : "r"(a), "r"(b)); \
        return r;                                                          \
    }                                                                      \
    static uint64_t z_##op(uint64_t a, uint64_t b)                         \
    {                                                                      \
        uint64_t r;                                                        \
        __asm__ volatile(NORVC(#op " x0, %1, %2\n addi %0, x0, 0")        \
                         : "=r"(r) : "r"(a), "r"(b));                      \
        return r;                                                          \
    }
DEF_RR(mul) DEF_RR(mulh) DEF_RR(mulhsu) DEF_RR(mulhu)
DEF_RR(div) DEF_RR(divu) DEF_RR(rem) DEF_RR(remu)
DEF_RR(mulw) DEF_RR(divw) DEF_RR(divuw) DEF_RR(remw) DEF_RR(remuw)

struct rr { const char *name; uint64_t (*f)(uint64_t, uint64_t); uint64_t (*z)(uint64_t, uint64_t); };
#define RRE(op) { #op, f_##op, z_##op }
static const struct rr ops[] = {
    RRE(mul), RRE(mulh), RRE(mulhsu), RRE(mulhu), RRE(div), RRE(divu),
    RRE(rem), RRE(remu), RRE(mulw), RRE(divw), RRE(divuw), RRE(remw), RRE(remuw),
};

static const uint64_t V[] = {
    0, 1, 0xffffffffffffffffUL, 2, 0xfffffffffffffffdUL,
    0x8000000000000000UL, 0x7fffffffffffffffUL, 0x80000000UL,
    0xffffffff80000000UL, 0x7fffffffUL, 0xffffffffUL, 0x123456789abcdef0UL,
};
#define NV (sizeof(V) / sizeof(V[0]))

int main(void)
{
    puts_("isa-m\n");
    for (unsigned o = 0; o < sizeof(ops) / sizeof(ops[0]); o++) {
        for (unsigned i = 0; i < NV; i++) {
            for (unsigned j = 0; j < NV; j++) {
                uint64_t r = ops[o].f(V[i], V[j]);
                printf_("%s %016lx %016lx -> %016lx\n", ops[o].name, V[i], V[j], r);
                sig_word((uint32_t)r);
                sig_word((uint32_t)(r >> 32));
            }
        }
        uint64_t z = ops[o].z(0x123456789abcdef0UL, 7);
        printf_("%s x0 -> %016lx\n", ops[o].name, z);
        check(ops[o].name, z, 0);
    }

    const uint64_t MIN = 0x8000000000000000UL, M1 = ~0UL;
    const uint64_t A = 0x123456789abcdef0UL;
    /* division by zero */
    check("div /0", f_div(A, 0), M1);
    check("divu /0", f_divu(A, 0), M1);
    check("rem /0", f_rem(A, 0), A);
    check("remu /0", f_remu(A, 0), A);
    check("divw /0", f_divw(A, 0), M1);
    check("divuw /0", f_divuw(A, 0), M1);
    check("remw /0", f_remw(A, 0), 0xffffffff9abcdef0UL);
    check("remuw /0", f_remuw(A, 0), 0xffffffff9abcdef0UL);
    check("remuw /0 pos", f_remuw(0x7fffffff, 0), 0x7fffffff);
    /* the divisor's upper 32 bits are ignored by the W forms */
    check("divw /(1<<32)", f_divw(A, 0x100000000UL), M1);
    /* signed overflow */
    check("div ovf", f_div(MIN, M1), MIN);
    check("rem ovf", f_rem(MIN, M1), 0);
    check("divw ovf", f_divw(0x80000000UL, M1), 0xffffffff80000000UL);
    check("remw ovf", f_remw(0x80000000UL, M1), 0);
    /* signs */
    check("div -7/2", f_div((uint64_t)-7, 2), (uint64_t)-3);
    check("rem -7/2", f_rem((uint64_t)-7, 2), (uint64_t)-1);
    check("rem 7/-2", f_rem(7, (uint64_t)-2), 1);
    check("mulh", f_mulh(MIN, MIN), 0x4000000000000000UL);
    check("mulhu", f_mulhu(M1, M1), 0xfffffffffffffffeUL);
    check("mulhsu -1*max", f_mulhsu(M1, M1), M1);
    check("mulhsu 2^63", f_mulhsu(MIN, 2), M1);
    check("mulw sext", f_mulw(0x10000, 0x8000), 0xffffffff80000000UL);
    check("divuw", f_divuw(0xffffffff00000010UL, 3), 5);
    printf_("isa-m done, %d failures\n", fails);
    return fails > 100 ? 100 : fails;
}
