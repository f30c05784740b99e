/* RV64I integer ALU conformance: every register-register and
 * register-immediate ALU instruction over a table of edge operands,
 * plus LUI/AUIPC and rd=x0 forms.  Output is compared byte for byte
 * between QEMU and ftvm. */
#include "check.h"

static void out_rr(const char *op, uint64_t a, uint64_t b, uint64_t r)
{
    printf_("%s %016lx %016lx -> %016lx\n", op, a, b, r);
    sig_dword(r);
}

static void out_ri(const char *op, uint64_t a, int64_t imm, uint64_t r)
{
    printf_("%s %016lx %ld -> %016lx\n", op, a, imm, r);
    sig_dword(r);
}


/* ---- register-register ---- */
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

DEF_RR(add) DEF_RR(sub) DEF_RR(slt) DEF_RR(sltu) DEF_RR(xor) DEF_RR(or)
DEF_RR(and) DEF_RR(addw) DEF_RR(subw)
DEF_RR(sll) DEF_RR(srl) DEF_RR(sra) DEF_RR(sllw) DEF_RR(srlw) DEF_RR(sraw)

struct rr { const char *name; uint64_t (*f)(uint64_t, uint64_t); uint64_t (*z)(uint64_t, uint64_t); };
#define RRE(op) { #op, f_##op, z_##op }
static const struct rr arith[] = {
    RRE(add), RRE(sub), RRE(slt), RRE(sltu), RRE(xor), RRE(or), RRE(and),
    RRE(addw), RRE(subw),
};
static const struct rr shifts[] = {
    RRE(sll), RRE(srl), RRE(sra), RRE(sllw), RRE(srlw), RRE(sraw),
};

static const uint64_t V[] = {
    0, 1, 0xffffffffffffffffUL, 0x8000000000000000UL, 0x7fffffffffffffffUL,
    0x80000000UL, 0x7fffffffUL, 0xffffffff80000000UL, 0xffffffffUL,
    0x123456789abcdef0UL,
};
#define NV (sizeof(V) / sizeof(V[0]))

static const uint64_t SHV[] = {
    1, 0xffffffffffffffffUL, 0x8000000000000000UL, 0x80000000UL,
    0x7fffffffUL, 0x123456789abcdef0UL,
};
#define NSHV (sizeof(SHV) / sizeof(SHV[0]))

/* register shift amounts: only the low 6 (5 for *W) bits count */
static const uint64_t SHAMT[] = {
    0, 1, 31, 32, 63, 64, 0xffffffffffffffc1UL, 0xff20, 0xffffffffffffffffUL,
    0x8000000000000020UL,
};
#define NSHAMT (sizeof(SHAMT) / sizeof(SHAMT[0]))

/* ---- register-immediate ---- */
static const int64_t IMM[] = { 0, 1, -1, 2047, -2048, 0x555, -0x556 };
#define NIMM 7
#define CASE_RI(op, i, imm) \
    case i: __asm__ volatile(NORVC(#op " %0, %1, %2") : "=r"(r) : "r"(a), "i"(imm)); break;
#define DEF_RI(op)                                                         \
    static uint64_t f_##op(int k, uint64_t a)                              \
    {                                                                      \
        uint64_t r = 0;                                                    \
        switch (k) {                                                       \
        CASE_RI(op, 0, 0) CASE_RI(op, 1, 1) CASE_RI(op, 2, -1)             \
        CASE_RI(op, 3, 2047) CASE_RI(op, 4, -2048) CASE_RI(op, 5, 0x555)   \
        CASE_RI(op, 6, -0x556)                                             \
        }                                                                  \
        return r;                                                          \
    }                                                                      \
    static uint64_t z_##op(uint64_t a)                                     \
    {                                                                      \
        uint64_t r;                                                        \
        __asm__ volatile(NORVC(#op " x0, %1, -7\n addi %0, x0, 0") : "=r"(r) : "r"(a)); \
        return r;                                                          \
    }
DEF_RI(addi) DEF_RI(slti) DEF_RI(sltiu) DEF_RI(xori) DEF_RI(ori) DEF_RI(andi)
DEF_RI(addiw)

struct ri { const char *name; uint64_t (*f)(int, uint64_t); uint64_t (*z)(uint64_t); };
#define RIE(op) { #op, f_##op, z_##op }
static const struct ri imms[] = {
    RIE(addi), RIE(slti), RIE(sltiu), RIE(xori), RIE(ori), RIE(andi), RIE(addiw),
};

/* ---- shift-immediate ---- */
static const int SH64[] = { 0, 1, 31, 32, 63 };
static const int SH32[] = { 0, 1, 15, 31 };
#define DEF_SH64(op)                                                       \
    static uint64_t f_##op(int k, uint64_t a)                              \
    {                                                                      \
        uint64_t r = 0;                                                    \
        switch (k) {                                                       \
        CASE_RI(op, 0, 0) CASE_RI(op, 1, 1) CASE_RI(op, 2, 31)             \
        CASE_RI(op, 3, 32) CASE_RI(op, 4, 63)                              \
        }                                                                  \
        return r;                                                          \
    }                                                                      \
    static uint64_t z_##op(uint64_t a)                                     \
    {                                                                      \
        uint64_t r;                                                        \
        __asm__ volatile(NORVC(#op " x0, %1, 3\n addi %0, x0, 0") : "=r"(r) : "r"(a)); \
        return r;                                                          \
    }
#define DEF_SH32(op)                                                       \
    static uint64_t f_##op(int k, uint64_t a)                              \
    {                                                                      \
        uint64_t r = 0;                                                    \
        switch (k) {                                                       \
        CASE_RI(op, 0, 0) CASE_RI(op, 1, 1) CASE_RI(op, 2, 15)             \
        CASE_RI(op, 3, 31)                                                 \
        }                                                                  \
        return r;                                                          \
    }                                                                      \
    static uint64_t z_##op(uint64_t a)                                     \
    {                                                                      \
        uint64_t r;                                                        \
        __asm__ volatile(NORVC(#op " x0, %1, 3\n addi %0, x0, 0") : "=r"(r) : "r"(a)); \
        return r;                                                          \
    }
DEF_SH64(slli) DEF_SH64(srli) DEF_SH64(srai)
DEF_SH32(slliw) DEF_SH32(srliw) DEF_SH32(sraiw)

static const struct ri sh64[] = { RIE(slli), RIE(srli), RIE(srai) };
static const struct ri sh32[] = { RIE(slliw), RIE(srliw), RIE(sraiw) };

/* ---- LUI / AUIPC ---- */
#define CASE_U(op, i, imm) \
    case i: __asm__ volatile(NORVC(#op " %0, %1") : "=r"(r) : "i"(imm)); break;
static uint64_t f_lui(int k)
{
    uint64_t r = 0;
    switch (k) {
    CASE_U(lui, 0, 0) CASE_U(lui, 1, 1) CASE_U(lui, 2, 0x7ffff)
    CASE_U(lui, 3, 0x80000) CASE_U(lui, 4, 0xfffff) CASE_U(lui, 5, 0x12345)
    }
    return r;
}
#define CASE_AUIPC(i, imm)                                                 \
    case i: __asm__ volatile(NORVC("1: auipc %0, %2\n lla %1, 1b")          \
                             : "=r"(r), "=r"(pc) : "i"(imm)); break;
static uint64_t f_auipc(int k)
{
    uint64_t r = 0, pc = 0;
    switch (k) {
    CASE_AUIPC(0, 0) CASE_AUIPC(1, 1) CASE_AUIPC(2, 0x7ffff)
    CASE_AUIPC(3, 0x80000) CASE_AUIPC(4, 0xfffff) CASE_AUIPC(5, 0x12345)
    }
    return r - pc;
}
static const int64_t UIMM[] = { 0, 1, 0x7ffff, 0x80000, 0xfffff, 0x12345 };

int main(void)
{
    puts_("isa-alu\n");
    for (unsigned o = 0; o < sizeof(arith) / sizeof(arith[0]); o++) {
        for (unsigned i = 0; i < NV; i++) {
            for (unsigned j = 0; j < NV; j++) {
                out_rr(arith[o].name, V[i], V[j], arith[o].f(V[i], V[j]));
            }
        }
        uint64_t z = arith[o].z(0x123456789abcdef0UL, 0x0fedcba987654321UL);
        printf_("%s x0 -> %016lx\n", arith[o].name, z);
        check(arith[o].name, z, 0);
    }
    for (unsigned o = 0; o < sizeof(shifts) / sizeof(shifts[0]); o++) {
        for (unsigned i = 0; i < NSHV; i++) {
            for (unsigned j = 0; j < NSHAMT; j++) {
                out_rr(shifts[o].name, SHV[i], SHAMT[j], shifts[o].f(SHV[i], SHAMT[j]));
            }
        }
        uint64_t z = shifts[o].z(0x123456789abcdef0UL, 5);
        printf_("%s x0 -> %016lx\n", shifts[o].name, z);
        check(shifts[o].name, z, 0);
    }
    for (unsigned o = 0; o < sizeof(imms) / sizeof(imms[0]); o++) {
        for (unsigned i = 0; i < NV; i++) {
            for (int k = 0; k < NIMM; k++) {
                out_ri(imms[o].name, V[i], IMM[k], imms[o].f(k, V[i]));
            }
        }
        uint64_t z = imms[o].z(0x123456789abcdef0UL);
        printf_("%s x0 -> %016lx\n", imms[o].name, z);
        check(imms[o].name, z, 0);
    }
    for (unsigned o = 0; o < 3; o++) {
        for (unsigned i = 0; i < NSHV; i++) {
            for (int k = 0; k < 5; k++) {
                out_ri(sh64[o].name, SHV[i], SH64[k], sh64[o].f(k, SHV[i]));
            }
        }
        uint64_t z = sh64[o].z(0x123456789abcdef0UL);
        printf_("%s x0 -> %016lx\n", sh64[o].name, z);
        check(sh64[o].name, z, 0);
        for (unsigned i = 0; i < NSHV; i++) {
            for (int k = 0; k < 4; k++) {
                out_ri(sh32[o].name, SHV[i], SH32[k], sh32[o].f(k, SHV[i]));
            }
        }
        z = sh32[o].z(0x123456789abcdef0UL);
        printf_("%s x0 -> %016lx\n", sh32[o].name, z);
        check(sh32[o].name, z, 0);
    }
    for (int k = 0; k < 6; k++) {
        out_ri("lui", 0, UIMM[k], f_lui(k));
        out_ri("auipc-pc", 0, UIMM[k], f_auipc(k));
    }
    {
        uint64_t r;
        __asm__ volatile(NORVC("lui x0, 0x12345\n auipc x0, 0x12345\n addi %0, x0, 0") : "=r"(r));
        printf_("lui/auipc x0 -> %016lx\n", r);
        check("lui/auipc x0", r, 0);
    }
    /* a few hand-computed spot checks */
    check("add wrap", f_add(0x7fffffffffffffffUL, 1), 0x8000000000000000UL);
    check("sub wrap", f_sub(0, 1), 0xffffffffffffffffUL);
    check("addw sext", f_addw(0x7fffffff, 1), 0xffffffff80000000UL);
    check("slt", f_slt(0x8000000000000000UL, 0), 1);
    check("sltu", f_sltu(0x8000000000000000UL, 0), 0);
    check("sra", f_sra(0x8000000000000000UL, 0xffffffffffffffffUL), 0xffffffffffffffffUL);
    check("srlw", f_srlw(0xffffffff80000000UL, 0xff20), 0xffffffff80000000UL);
    check("sraw", f_sraw(0x80000000UL, 31), 0xffffffffffffffffUL);
    check("sltiu -1", f_sltiu(2, 0xfffffffffffffffeUL), 1);
    check("lui sext", f_lui(3), 0xffffffff80000000UL);
    check("auipc", f_auipc(4), 0xfffffffffffff000UL);
    printf_("isa-alu done, %d failures\n", fails);
    return fails > 100 ? 100 : fails;
}
