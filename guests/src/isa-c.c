/* RVC (RV64C) conformance: every compressed instruction valid on RV64,
 * written with explicit c. mnemonics, with edge immediates. */
#include "check.h"

volatile uint64_t c_trap_info[4];   /* mcause, mepc, mtval, count */
void c_trap_vec(void);

__asm__(
    ".section .text.c_trap_vec, \"ax\"\n"
    ".balign 4\n"
    ".globl c_trap_vec\n"
    "c_trap_vec:\n"
    "  addi sp, sp, -32\n"
    "  sd t0, 0(sp)\n"
    "  sd t1, 8(sp)\n"
    "  lla t0, c_trap_info\n"
    "  csrr t1, mcause\n  sd t1, 0(t0)\n"
    "  csrr t1, mepc\n  sd t1, 8(t0)\n"
    "  csrr t1, mtval\n  sd t1, 16(t0)\n"
    "  ld t1, 24(t0)\n  addi t1, t1, 1\n  sd t1, 24(t0)\n"
    "  csrr t0, mepc\n"
    "  lhu t1, 0(t0)\n"
    "  andi t1, t1, 3\n"
    "  addi t0, t0, 2\n"
    "  xori t1, t1, 3\n"
    "  bnez t1, 1f\n"
    "  addi t0, t0, 2\n"
    "1: csrw mepc, t0\n"
    "  ld t0, 0(sp)\n"
    "  ld t1, 8(sp)\n"
    "  addi sp, sp, 32\n"
    "  mret\n"
    ".text\n");

static void out1(const char *what, uint64_t a, uint64_t r)
{
    printf_("%s %016lx -> %016lx\n", what, a, r);
    sig_dword(r);
}

static void out0(const char *what, uint64_t r)
{
    printf_("%s -> %016lx\n", what, r);
    sig_dword(r);
}

/* one-operand: a0 = insn(a0) */
#define C1(insn, in) ({ uint64_t _r; \
    __asm__ volatile("mv a0, %1\n" insn "\nmv %0, a0" : "=r"(_r) : "r"(in) : "a0"); _r; })
/* two-operand: a0 = insn(a0, a1) */
#define C2(insn, a, b) ({ uint64_t _r; \
    __asm__ volatile("mv a0, %1\nmv a1, %2\n" insn "\nmv %0, a0" \
                     : "=r"(_r) : "r"(a), "r"(b) : "a0", "a1"); _r; })

static const uint64_t V[] = {
    0, 1, 0xffffffffffffffffUL, 0x8000000000000000UL, 0x7fffffffffffffffUL,
    0x7fffffffUL, 0xffffffff80000000UL, 0x123456789abcdef0UL,
};
#define NV (sizeof(V) / sizeof(V[0]))

#define EACH_V(name, expr)                                      \
    for (unsigned i = 0; i < NV; i++) { uint64_t a = V[i]; out1(name, a, (expr)); }

#define CA_OP(fn, insn) \
    static uint64_t fn(uint64_t a, uint64_t b) { return C2(insn " a0, a1", a, b); }
CA_OP(f_sub, "c.sub") CA_OP(f_xor, "c.xor") CA_OP(f_or, "c.or") CA_OP(f_and, "c.and")
CA_OP(f_subw, "c.subw") CA_OP(f_addw, "c.addw") CA_OP(f_add, "c.add")
static uint64_t f_mv(uint64_t a, uint64_t b) { return C2("c.mv a0, a1", a, b); }

struct ca { const char *name; uint64_t (*f)(uint64_t, uint64_t); };
static const struct ca cas[] = {
    { "c.sub", f_sub }, { "c.xor", f_xor }, { "c.or", f_or }, { "c.and", f_and },
    { "c.subw", f_subw }, { "c.addw", f_addw }, { "c.add", f_add }, { "c.mv", f_mv },
};

static uint64_t mem[72] __attribute__((aligned(16)));

int main(void)
{
    uint64_t r, r2, base;
    puts_("isa-c\n");
    csr_write(mtvec, (uintptr_t)c_trap_vec);

    /* ---- CA / CR register-register ---- */
    for (unsigned o = 0; o < sizeof(cas) / sizeof(cas[0]); o++) {
        for (unsigned i = 0; i < NV; i++) {
            for (unsigned j = 0; j < NV; j++) {
                r = cas[o].f(V[i], V[j]);
                printf_("%s %016lx %016lx -> %016lx\n", cas[o].name, V[i], V[j], r);
                sig_word((uint32_t)r);
            }
        }
    }
    check("c.addw sext", f_addw(0x7fffffff, 1), 0xffffffff80000000UL);
    check("c.subw sext", f_subw(0, 0x80000000UL), 0xffffffff80000000UL);
    check("c.add wrap", f_add(0x7fffffffffffffffUL, 1), 0x8000000000000000UL);
    /* CA forms on other RVC registers (s0, s1, a5) */
    r = ({ uint64_t _r; __asm__ volatile("mv s1, %1\n mv a5, %2\n c.sub s1, a5\n c.xor a5, s1\n"
                                         "c.or s1, a5\n c.and a5, s1\n c.addw s1, a5\n mv %0, s1"
                                         : "=r"(_r) : "r"(0x1111UL), "r"(0x0f0fUL) : "s1", "a5"); _r; });
    out0("ca s1/a5 chain", r);

    /* ---- CI immediates ---- */
    EACH_V("c.addi 1", C1("c.addi a0, 1", a));
    EACH_V("c.addi -1", C1("c.addi a0, -1", a));
    EACH_V("c.addi 31", C1("c.addi a0, 31", a));
    EACH_V("c.addi -32", C1("c.addi a0, -32", a));
    EACH_V("c.addiw 0", C1("c.addiw a0, 0", a));
    EACH_V("c.addiw 1", C1("c.addiw a0, 1", a));
    EACH_V("c.addiw 31", C1("c.addiw a0, 31", a));
    EACH_V("c.addiw -32", C1("c.addiw a0, -32", a));
    EACH_V("c.andi 0", C1("c.andi a0, 0", a));
    EACH_V("c.andi 31", C1("c.andi a0, 31", a));
    EACH_V("c.andi -32", C1("c.andi a0, -32", a));
    EACH_V("c.andi -1", C1("c.andi a0, -1", a));
    EACH_V("c.slli 1", C1("c.slli a0, 1", a));
    EACH_V("c.slli 31", C1("c.slli a0, 31", a));
    EACH_V("c.slli 32", C1("c.slli a0, 32", a));
    EACH_V("c.slli 63", C1("c.slli a0, 63", a));
    EACH_V("c.srli 1", C1("c.srli a0, 1", a));
    EACH_V("c.srli 31", C1("c.srli a0, 31", a));
    EACH_V("c.srli 32", C1("c.srli a0, 32", a));
    EACH_V("c.srli 63", C1("c.srli a0, 63", a));
    EACH_V("c.srai 1", C1("c.srai a0, 1", a));
    EACH_V("c.srai 31", C1("c.srai a0, 31", a));
    EACH_V("c.srai 32", C1("c.srai a0, 32", a));
    EACH_V("c.srai 63", C1("c.srai a0, 63", a));
    check("c.addiw 0 sext", C1("c.addiw a0, 0", 0x00000000fffffffeUL), 0xfffffffffffffffeUL);
    check("c.srai 63", C1("c.srai a0, 63", 0x8000000000000000UL), ~0UL);
    /* c.slli on a non-RVC register */
    r = ({ uint64_t _r; __asm__ volatile("mv t3, %1\n c.slli t3, 4\n mv %0, t3"
                                         : "=r"(_r) : "r"(0x0123456789abcdefUL) : "t3"); _r; });
    out0("c.slli t3 4", r);
    check("c.slli t3", r, 0x123456789abcdef0UL);
    /* c.addi / c.addiw on a non-RVC register */
    r = ({ uint64_t _r; __asm__ volatile("mv t4, %1\n c.addi t4, -32\n c.addiw t4, 31\n mv %0, t4"
                                         : "=r"(_r) : "r"(0x7fffffffUL) : "t4"); _r; });
    out0("c.addi/c.addiw t4", r);

    r = C1("c.li a0, 0", 0x55); out0("c.li 0", r); check("c.li 0", r, 0);
    r = C1("c.li a0, 31", 0x55); out0("c.li 31", r); check("c.li 31", r, 31);
    r = C1("c.li a0, -32", 0x55); out0("c.li -32", r); check("c.li -32", r, (uint64_t)-32);
    r = C1("c.li a0, -1", 0x55); out0("c.li -1", r);
    r = C1("c.li t5, 17\n mv a0, t5", 0); out0("c.li t5 17", r);
    r = C1("c.lui a0, 1", 0x55); out0("c.lui 1", r); check("c.lui 1", r, 0x1000);
    r = C1("c.lui a0, 31", 0x55); out0("c.lui 31", r); check("c.lui 31", r, 0x1f000);
    r = C1("c.lui a0, 0xfffe0", 0x55); out0("c.lui 0xfffe0", r);
    check("c.lui -32", r, 0xfffffffffffe0000UL);
    r = C1("c.lui a0, 0xfffff", 0x55); out0("c.lui 0xfffff", r);
    check("c.lui -1", r, 0xfffffffffffff000UL);
    r = C1("c.lui t6, 0x10\n mv a0, t6", 0x55); out0("c.lui t6 0x10", r);

    /* ---- stack-pointer relative ---- */
    __asm__ volatile("c.addi4spn a0, sp, 4\n sub %0, a0, sp" : "=r"(r) :: "a0");
    out0("c.addi4spn 4", r); check("c.addi4spn 4", r, 4);
    __asm__ volatile("c.addi4spn a5, sp, 1020\n sub %0, a5, sp" : "=r"(r) :: "a5");
    out0("c.addi4spn 1020", r); check("c.addi4spn 1020", r, 1020);
    __asm__ volatile("c.addi4spn s0, sp, 8\n sub %0, s0, sp" : "=r"(r) :: "s0");
    out0("c.addi4spn s0 8", r);
    __asm__ volatile("mv t0, sp\n"
                     "c.addi16sp sp, -512\n"
                     "sub %0, sp, t0\n"
                     "c.addi16sp sp, 496\n"
                     "c.addi16sp sp, 16\n"
                     "c.addi16sp sp, -16\n"
                     "c.addi16sp sp, 16\n"
                     "sub %1, sp, t0\n"
                     "mv sp, t0"
                     : "=&r"(r), "=&r"(r2) :: "t0", "memory");
    out0("c.addi16sp -512", r); check("c.addi16sp -512", r, (uint64_t)-512);
    out0("c.addi16sp net", r2); check("c.addi16sp net", r2, 0);

    /* ---- CL / CS loads and stores ---- */
    for (unsigned i = 0; i < 72; i++) mem[i] = 0x8000000080000000UL ^ ((uint64_t)i * 0x0101010101010101UL);
    mem[15] = 0xfedcba9880000001UL;
    mem[31] = 0x7fffffffffffffffUL;
    __asm__ volatile("mv a1, %1\n c.lw a0, 0(a1)\n mv %0, a0" : "=r"(r) : "r"(mem) : "a0", "a1", "memory");
    out0("c.lw 0", r); check("c.lw sext", r, 0xffffffff80000000UL);
    __asm__ volatile("mv a1, %1\n c.lw a0, 4(a1)\n mv %0, a0" : "=r"(r) : "r"(mem) : "a0", "a1", "memory");
    out0("c.lw 4", r);
    __asm__ volatile("mv s0, %1\n c.lw s1, 124(s0)\n mv %0, s1" : "=r"(r) : "r"(mem) : "s0", "s1", "memory");
    out0("c.lw 124", r); check("c.lw 124", r, 0xfffffffffedcba98UL);
    __asm__ volatile("mv s0, %1\n c.lw a4, 120(s0)\n mv %0, a4" : "=r"(r) : "r"(mem) : "s0", "a4", "memory");
    out0("c.lw 120", r); check("c.lw 120", r, 0xffffffff80000001UL);
    __asm__ volatile("mv a1, %1\n c.ld a0, 0(a1)\n mv %0, a0" : "=r"(r) : "r"(mem) : "a0", "a1", "memory");
    out0("c.ld 0", r);
    __asm__ volatile("mv a2, %1\n c.ld a3, 248(a2)\n mv %0, a3" : "=r"(r) : "r"(mem) : "a2", "a3", "memory");
    out0("c.ld 248", r); check("c.ld 248", r, 0x7fffffffffffffffUL);
    __asm__ volatile("mv a1, %1\n c.ld a1, 120(a1)\n mv %0, a1" : "=r"(r) : "r"(mem) : "a1", "memory");
    out0("c.ld 120 rd==rs1", r); check("c.ld rd==rs1", r, 0xfedcba9880000001UL);
    for (unsigned i = 0; i < 72; i++) mem[i] = 0;
    __asm__ volatile("mv a1, %0\n mv a0, %1\n c.sw a0, 0(a1)\n c.sw a0, 124(a1)\n"
                     "c.sd a0, 8(a1)\n c.sd a0, 248(a1)"
                     :: "r"(mem), "r"(0x0123456789abcdefUL) : "a0", "a1", "memory");
    out0("c.sw 0 mem[0]", mem[0]);
    out0("c.sw 124 mem[15]", mem[15]);
    out0("c.sd 8 mem[1]", mem[1]);
    out0("c.sd 248 mem[31]", mem[31]);
    check("c.sw 0", mem[0], 0x89abcdef);
    check("c.sw 124", mem[15], 0x89abcdef00000000UL);
    check("c.sd 248", mem[31], 0x0123456789abcdefUL);

    /* c.lwsp/c.ldsp/c.swsp/c.sdsp with sp pointing at mem */
    for (unsigned i = 0; i < 72; i++) mem[i] = 0x8000000180000002UL + i;
    {
        uint64_t a, b, c, d;
        __asm__ volatile("mv t0, sp\n"
                         "mv sp, %4\n"
                         "c.lwsp %0, 0(sp)\n"
                         "c.lwsp %1, 252(sp)\n"
                         "c.ldsp %2, 8(sp)\n"
                         "c.ldsp %3, 504(sp)\n"
                         "mv sp, t0"
                         : "=&r"(a), "=&r"(b), "=&r"(c), "=&r"(d) : "r"(mem) : "t0", "memory");
        out0("c.lwsp 0", a); out0("c.lwsp 252", b); out0("c.ldsp 8", c); out0("c.ldsp 504", d);
        check("c.lwsp 0", a, 0xffffffff80000002UL);
        check("c.lwsp 252", b, 0xffffffff80000001UL);
        check("c.ldsp 504", d, 0x8000000180000002UL + 63);
        for (unsigned i = 0; i < 72; i++) mem[i] = 0;
        __asm__ volatile("mv t0, sp\n"
                         "mv sp, %0\n"
                         "c.swsp %1, 0(sp)\n"
                         "c.swsp %1, 252(sp)\n"
                         "c.sdsp %1, 8(sp)\n"
                         "c.sdsp %1, 504(sp)\n"
                         "mv sp, t0"
                         :: "r"(mem), "r"(0xa5a5a5a5deadbeefUL) : "t0", "memory");
        out0("c.swsp 0", mem[0]); out0("c.swsp 252", mem[31]);
        out0("c.sdsp 8", mem[1]); out0("c.sdsp 504", mem[63]);
        check("c.swsp 252", mem[31], 0xdeadbeef00000000UL);
        check("c.sdsp 504", mem[63], 0xa5a5a5a5deadbeefUL);
    }

    /* ---- control transfer ---- */
    /* c.j forward max (+2046) and backward max (-2048) */
    __asm__ volatile(".option push\n.option norelax\n"
                     "li %0, 0\n"
                     ".2byte 0xaffd\n"            /* c.j +2046 (hand-encoded: gas widens it) */
                     ".fill 1022, 2, 0x0505\n"     /* c.addi a0,1 (never executed) */
                     "1: c.addi %0, 1\n"
                     ".option norvc\n jal x0, 3f\n .option rvc\n"
                     "2: c.addi %0, 2\n"
                     ".option norvc\n jal x0, 4f\n .option rvc\n"
                     ".fill 1021, 2, 0x0001\n"
                     "3: .2byte 0xb001\n"            /* c.j -2048 (to 2b) */
                     "4:\n"
                     ".option pop"
                     : "=&r"(r));
    out0("c.j max", r); check("c.j max", r, 3);
    /* c.beqz/c.bnez taken/not taken, forward/backward */
    {
        static const uint64_t BV[] = { 0, 1, 0x8000000000000000UL, 0x100000000UL, ~0UL };
        for (unsigned i = 0; i < 5; i++) {
            uint64_t fz, fn, bz, bn;
            __asm__ volatile("mv a0, %4\n"
                             "li %0, 0\n li %1, 0\n li %2, 0\n li %3, 0\n"
                             "c.beqz a0, 1f\n j 2f\n1: li %0, 1\n2:\n"
                             "c.bnez a0, 1f\n j 2f\n1: li %1, 1\n2:\n"
                             "j 3f\n1: li %2, 1\n j 4f\n3: c.beqz a0, 1b\n4:\n"
                             "j 3f\n1: li %3, 1\n j 4f\n3: c.bnez a0, 1b\n4:\n"
                             : "=&r"(fz), "=&r"(fn), "=&r"(bz), "=&r"(bn) : "r"(BV[i]) : "a0");
            printf_("c.beqz/c.bnez %016lx -> fw %d %d bw %d %d\n", BV[i], (int)fz, (int)fn,
                    (int)bz, (int)bn);
            sig_word((uint32_t)(fz | fn << 1 | bz << 2 | bn << 3));
            check("c.beqz", fz, BV[i] == 0);
            check("c.bnez", fn, BV[i] != 0);
            check("c.beqz bw", bz, BV[i] == 0);
            check("c.bnez bw", bn, BV[i] != 0);
        }
        /* maximum displacements +254 / -256 */
        __asm__ volatile(".option push\n.option norelax\n"
                         "li %0, 0\n li s1, 0\n"
                         ".2byte 0xccfd\n"           /* c.beqz s1, +254 */
                         ".fill 126, 2, 0x0001\n"
                         "1: c.addi %0, 1\n"
                         "li s1, 5\n"
                         "c.j 3f\n"
                         "2: c.addi %0, 2\n"
                         "c.j 4f\n"
                         ".fill 126, 2, 0x0001\n"
                         "3: .2byte 0xf081\n"        /* c.bnez s1, -256 */
                         "4:\n"
                         ".option pop"
                         : "=&r"(r) :: "s1");
        out0("c.beqz/c.bnez max", r); check("c.b max", r, 3);
    }
    /* c.jr / c.jalr / c.mv */
    __asm__ volatile("lla a0, 1f\n"
                     "li %0, 0\n"
                     "c.jr a0\n"
                     "li %0, 9\n"
                     "1: c.addi %0, 1"
                     : "=&r"(r) :: "a0");
    out0("c.jr", r); check("c.jr", r, 1);
    __asm__ volatile("lla t2, 1f\n"
                     "mv t3, ra\n"
                     "c.jalr t2\n"
                     "2: c.nop\n"
                     "1: lla %1, 2b\n"
                     "mv %0, ra\n"
                     "mv ra, t3"
                     : "=&r"(r), "=&r"(base) :: "t2", "t3", "ra");
    out0("c.jalr link - next", r - base); check("c.jalr link", r, base);
    /* c.jalr through ra itself: target from old ra, link = pc+2 */
    __asm__ volatile("mv t3, ra\n"
                     "lla ra, 1f\n"
                     "c.jalr ra\n"
                     "2: c.nop\n"
                     "1: lla %1, 2b\n"
                     "mv %0, ra\n"
                     "mv ra, t3"
                     : "=&r"(r), "=&r"(base) :: "t3", "ra");
    out0("c.jalr ra link - next", r - base); check("c.jalr ra", r, base);
    /* c.jr with odd... not possible; c.jr to a 4n+2 target */
    __asm__ volatile("li %0, 0\n"
                     "lla a0, 1f\n"
                     "c.jr a0\n"
                     ".balign 4\n"
                     "c.nop\n"
                     "1: c.addi %0, 7"
                     : "=&r"(r) :: "a0");
    out0("c.jr 4n+2", r); check("c.jr 4n+2", r, 7);
    r = C1("c.nop\n c.nop", 0x1234); out0("c.nop", r); check("c.nop", r, 0x1234);

    /* ---- c.ebreak ---- */
    c_trap_info[3] = 0;
    __asm__ volatile("1: c.ebreak\n"
                     "lla %0, 1b"
                     : "=r"(base) :: "memory");
    printf_("c.ebreak mcause %lx mepc-label %lx mtval %lx traps %lu\n", c_trap_info[0],
            c_trap_info[1] - base, c_trap_info[2], c_trap_info[3]);
    sig_word((uint32_t)c_trap_info[0]);
    check("c.ebreak cause", c_trap_info[0], 3);
    check("c.ebreak mepc", c_trap_info[1], base);
    check("c.ebreak count", c_trap_info[3], 1);
    {
        uint16_t insn = *(volatile uint16_t *)base;
        printf_("c.ebreak encoding %x\n", (unsigned)insn);
        check("c.ebreak is 16-bit", insn, 0x9002);
    }

    printf_("isa-c done, %d failures\n", fails);
    return fails > 100 ? 100 : fails;
}
