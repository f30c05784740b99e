/* RV64I loads/stores: all widths with sign/zero extension, negative and
 * maximum offsets, misaligned accesses of every width (performed, not
 * trapped) including ones crossing an 8-byte and a 4 KiB boundary, and
 * FENCE / FENCE.I including self-modifying code. */
#include "check.h"

static void out_at(const char *what, uint64_t a, uint64_t v)
{
    printf_("%s %lx -> %016lx\n", what, a, v);
    sig_dword(v);
}


#define DEF_LD(op)                                                          \
    static uint64_t f_##op(const void *p)                                   \
    {                                                                       \
        uint64_t r;                                                         \
        __asm__ volatile(NORVC(#op " %0, 0(%1)") : "=r"(r) : "r"(p) : "memory"); \
        return r;                                                           \
    }
#define DEF_ST(op)                                                          \
    static void f_##op(void *p, uint64_t v)                                 \
    {                                                                       \
        __asm__ volatile(NORVC(#op " %1, 0(%0)") :: "r"(p), "r"(v) : "memory"); \
    }
DEF_LD(lb) DEF_LD(lh) DEF_LD(lw) DEF_LD(ld) DEF_LD(lbu) DEF_LD(lhu) DEF_LD(lwu)
DEF_ST(sb) DEF_ST(sh) DEF_ST(sw) DEF_ST(sd)

struct ldop { const char *name; uint64_t (*f)(const void *); };
static const struct ldop lds[] = {
    { "lb", f_lb }, { "lh", f_lh }, { "lw", f_lw }, { "ld", f_ld },
    { "lbu", f_lbu }, { "lhu", f_lhu }, { "lwu", f_lwu },
};
struct stop { const char *name; void (*f)(void *, uint64_t); };
static const struct stop sts[] = {
    { "sb", f_sb }, { "sh", f_sh }, { "sw", f_sw }, { "sd", f_sd },
};

static uint8_t buf[32] __attribute__((aligned(16)));
static uint8_t pages[8192] __attribute__((aligned(4096)));
static uint32_t codebuf[16] __attribute__((aligned(16)));

static void fill(uint8_t *p, unsigned n)
{
    static const uint8_t pat[16] = {
        0x80, 0xff, 0x7f, 0x01, 0x00, 0x80, 0x00, 0x00,
        0xff, 0xff, 0xff, 0x7f, 0xfe, 0xdc, 0xba, 0x98,
    };
    for (unsigned i = 0; i < n; i++) {
        p[i] = (uint8_t)(pat[i & 15] ^ (i & 0x30));
    }
}

static void dump(const char *what, const uint8_t *p, unsigned n)
{
    uint64_t lo = 0, hi = 0;
    for (unsigned i = 0; i < 8 && i < n; i++) lo |= (uint64_t)p[i] << (8 * i);
    for (unsigned i = 8; i < 16 && i < n; i++) hi |= (uint64_t)p[i] << (8 * (i - 8));
    printf_("%s -> %016lx %016lx\n", what, hi, lo);
    sig_word((uint32_t)lo);
    sig_word((uint32_t)hi);
}

int main(void)
{
    puts_("isa-loadstore\n");

    /* every load width at every byte offset 0..8 (aligned + misaligned) */
    fill(buf, sizeof(buf));
    for (unsigned o = 0; o < 7; o++) {
        for (unsigned off = 0; off <= 8; off++) {
            out_at(lds[o].name, off, lds[o].f(buf + off));
        }
    }
    /* sign/zero extension spot checks */
    check("lb 0x80", f_lb(buf), 0xffffffffffffff80UL);
    check("lbu 0x80", f_lbu(buf), 0x80);
    check("lh ff80", f_lh(buf), 0xffffffffffffff80UL);
    check("lhu ff80", f_lhu(buf), 0xff80);
    check("lw", f_lw(buf), 0x017fff80);
    check("lw misaligned sext", f_lw(buf + 9), 0xfffffffffe7fffffUL);
    check("lwu misaligned", f_lwu(buf + 9), 0xfe7fffffUL);
    check("ld misaligned", f_ld(buf + 3), 0xffffff0000800001UL);

    /* every store width at every byte offset 0..8 into a zeroed buffer */
    for (unsigned s = 0; s < 4; s++) {
        for (unsigned off = 0; off <= 8; off++) {
            for (unsigned i = 0; i < sizeof(buf); i++) buf[i] = 0;
            sts[s].f(buf + off, 0x8877665544332211UL);
            printf_("%s %x", sts[s].name, off);
            dump("", buf, 16);
        }
    }
    for (unsigned i = 0; i < sizeof(buf); i++) buf[i] = 0;
    f_sw(buf + 5, 0xdeadbeef);
    check("sw misaligned readback", f_lwu(buf + 5), 0xdeadbeef);
    f_sd(buf + 11, 0x0123456789abcdefUL);
    check("sd misaligned readback", f_ld(buf + 11), 0x0123456789abcdefUL);
    check("sd misaligned neighbour", buf[10], 0);

    /* negative and maximum immediate offsets */
    fill(buf, sizeof(buf));
    {
        uint64_t a, b, c, d, e, f, g;
        uint8_t *p16 = buf + 16;
        __asm__ volatile(NORVC("lb %0, -1(%7)\n"
                               "lh %1, -2(%7)\n"
                               "lw %2, -4(%7)\n"
                               "ld %3, -8(%7)\n"
                               "lbu %4, -16(%7)\n"
                               "lhu %5, -15(%7)\n"
                               "lwu %6, -13(%7)")
                         : "=&r"(a), "=&r"(b), "=&r"(c), "=&r"(d), "=&r"(e), "=&r"(f), "=&r"(g)
                         : "r"(p16) : "memory");
        out_at("lb -1", 0, a); out_at("lh -2", 0, b); out_at("lw -4", 0, c); out_at("ld -8", 0, d);
        out_at("lbu -16", 0, e); out_at("lhu -15", 0, f); out_at("lwu -13", 0, g);
        uintptr_t pm = (uintptr_t)buf + 2048;   /* -2048(pm) == buf */
        uintptr_t pp = (uintptr_t)buf - 2047;   /* 2047(pp) == buf */
        __asm__ volatile(NORVC("ld %0, -2048(%2)\n ld %1, 2047(%3)")
                         : "=&r"(a), "=&r"(b) : "r"(pm), "r"(pp) : "memory");
        out_at("ld -2048", 0, a); out_at("ld 2047", 0, b);
        check("ld -2048", a, f_ld(buf));
        check("ld 2047", b, f_ld(buf));
        for (unsigned i = 0; i < sizeof(buf); i++) buf[i] = 0;
        __asm__ volatile(NORVC("sb %1, -1(%0)\n sh %1, -4(%0)\n sw %1, -9(%0)\n sd %1, -16(%0)")
                         :: "r"(p16), "r"(0xa1b2c3d4e5f60718UL) : "memory");
        dump("neg-offset stores", buf, 16);
        for (unsigned i = 0; i < sizeof(buf); i++) buf[i] = 0;
        __asm__ volatile(NORVC("sd %1, -2048(%0)\n sw %1, 2047(%2)")
                         :: "r"(pm), "r"(0xa1b2c3d4e5f60718UL), "r"(pp + 8) : "memory");
        dump("max-offset stores", buf, 16);
    }

    /* misaligned accesses crossing a 4 KiB boundary */
    fill(pages, sizeof(pages));
    for (unsigned o = 0; o < 7; o++) {
        for (unsigned k = 1; k < 8; k++) {
            out_at(lds[o].name, 4096 - k, lds[o].f(pages + 4096 - k));
        }
    }
    for (unsigned s = 1; s < 4; s++) {
        for (unsigned k = 1; k < 8; k++) {
            for (unsigned i = 4080; i < 4112; i++) pages[i] = 0;
            sts[s].f(pages + 4096 - k, 0x8877665544332211UL);
            printf_("%s 4096-%d", sts[s].name, k);
            dump(" lo", pages + 4088, 16);
        }
    }

    /* store then load of different widths (store forwarding / merging) */
    for (unsigned i = 0; i < sizeof(buf); i++) buf[i] = 0;
    f_sd(buf, 0x1122334455667788UL);
    f_sb(buf + 3, 0xaa);
    f_sh(buf + 5, 0xbbcc);
    f_sw(buf + 1, 0xffffffffddeeff00UL);
    out_at("merged ld", 0, f_ld(buf));
    check("merged ld", f_ld(buf), 0x11bbccddeeff0088UL);

    /* x0 destination of loads: the load happens, x0 stays 0 */
    {
        uint64_t r;
        __asm__ volatile(NORVC("ld x0, 0(%1)\n lw x0, 1(%1)\n lbu x0, 0(%1)\n addi %0, x0, 0")
                         : "=r"(r) : "r"(buf) : "memory");
        out_at("load to x0", 0, r);
        check("load to x0", r, 0);
        f_sd(buf, 0x5a5a5a5a5a5a5a5aUL);
        __asm__ volatile(NORVC("sd x0, 0(%0)\n sb x0, 8(%0)") :: "r"(buf) : "memory");
        out_at("store x0", 0, f_ld(buf));
        check("store x0", f_ld(buf), 0);
    }

    /* FENCE variants (all no-ops on a single hart but must decode) */
    __asm__ volatile(NORVC("fence\n"
                           "fence rw, rw\n"
                           "fence r, r\n"
                           "fence w, w\n"
                           "fence iorw, iorw\n"
                           "fence io, io\n"
                           "fence r, rw\n"
                           "fence.tso\n"
                           ".word 0x0100000f\n"  /* pause (fence w,0) */
                           ".word 0x0000000f\n"  /* fence 0,0 */
                           "fence.i") ::: "memory");
    puts_("fences ok\n");

    /* FENCE.I and self-modifying code */
    {
        typedef uint64_t (*fn_t)(void);
        fn_t fn = (fn_t)(uintptr_t)codebuf;
        uint64_t r;
        for (int v = 0; v < 4; v++) {
            int imm = v == 3 ? -2048 : 40 + v;
            /* addi a0, x0, imm ; jalr x0, 0(ra) */
            codebuf[0] = ((uint32_t)(imm & 0xfff) << 20) | (10u << 7) | 0x13;
            codebuf[1] = 0x00008067;
            __asm__ volatile("fence.i" ::: "memory");
            r = fn();
            out_at("smc addi a0", (uint64_t)(int64_t)imm, r);
            check("smc", r, (uint64_t)(int64_t)imm);
        }
        /* patch a single 16-bit instruction in place: c.li a0, imm */
        codebuf[0] = 0x4501 | (0x8082u << 16);     /* c.li a0,0 ; c.jr ra */
        __asm__ volatile("fence.i" ::: "memory");
        r = fn();
        out_at("smc c.li a0", 0, r);
        check("smc c.li 0", r, 0);
        codebuf[0] = (codebuf[0] & 0xffff0000u) | 0x557d;  /* c.li a0,-1 */
        __asm__ volatile("fence.i" ::: "memory");
        r = fn();
        out_at("smc c.li a0", 0xffffffffffffffffUL, r);
        check("smc c.li -1", r, 0xffffffffffffffffUL);
        /* a store immediately followed by fence.i inside the same block */
        __asm__ volatile(NORVC("sw %2, 0(%1)\n"
                               "fence.i\n"
                               "jalr ra, 0(%1)\n"
                               "addi %0, a0, 0")
                         : "=r"(r) : "r"(codebuf), "r"(0x07b00513u) /* addi a0,x0,123 */
                         : "ra", "a0", "memory");
        codebuf[1] = 0x00008067;
        out_at("smc inline", 123, r);
    }

    printf_("isa-loadstore done, %d failures\n", fails);
    return fails > 100 ? 100 : fails;
}
