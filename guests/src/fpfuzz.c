/* A differential fuzzer of the F and D extensions: random instructions (every operation of both formats, every
 * rounding mode, static and dynamic with a random frm) over random operands biased towards the hard cases (special
 * values, subnormals, values near the limits, few significant bits, singles properly and improperly NaN-boxed).
 * Each instruction is written into a stub and executed (fence.i makes it visible); the result register, the integer
 * result and fflags are printed for the first iterations of every seed and folded into a checksum for the rest. QEMU
 * (SoftFloat) and ftvm must print the same bytes. */
#include "check.h"

static uint64_t state;

static uint64_t next(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

static const uint64_t SPECIAL_D[] = {
    0, 0x8000000000000000UL, 0x3ff0000000000000UL, 0x7ff0000000000000UL, 0xfff0000000000000UL,
    0x7ff8000000000000UL, 0x7ff0000000000001UL, 0x0000000000000001UL, 0x000fffffffffffffUL, 0x0010000000000000UL,
    0x7fefffffffffffffUL, 0x3ca0000000000000UL, 0x43e0000000000000UL, 0xc3e0000000000000UL, 0x41e0000000000000UL,
    0x41f0000000000000UL, 0x3fe0000000000000UL, 0x4330000000000000UL,
};
static const uint32_t SPECIAL_S[] = {
    0, 0x80000000, 0x3f800000, 0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001, 0x00000001, 0x007fffff,
    0x00800000, 0x7f7fffff, 0x33800000, 0x5f000000, 0xdf000000, 0x4f000000, 0x4f800000, 0x3f000000, 0x4b000000,
};

/* An operand: for singles (single = 1) boxed 7 times out of 8. */
static uint64_t operand(int single)
{
    uint64_t r = next();
    uint64_t v;
    switch (r & 7) {
    case 0: case 1:
        v = single ? SPECIAL_S[(r >> 8) % (sizeof(SPECIAL_S) / 4)] : SPECIAL_D[(r >> 8) % (sizeof(SPECIAL_D) / 8)];
        break;
    case 2: /* few significant bits */
        v = next() & ~((1UL << ((r >> 8) % (single ? 23 : 52))) - 1);
        break;
    case 3: /* small exponent (subnormals and tiny normals) */
        v = single ? (next() & 0x80ffffffUL) : (next() & 0x801fffffffffffffUL);
        break;
    case 4: /* huge */
        v = single ? (next() | 0x7e000000UL) & 0xff7fffffUL : (next() | 0x7fd0000000000000UL) & 0xffefffffffffffffUL;
        break;
    case 5: /* near one */
        v = single ? 0x3f800000UL + (next() & 0xff) - 0x80 : 0x3ff0000000000000UL + (next() & 0xfff) - 0x800;
        break;
    default:
        v = next();
        break;
    }
    if (single) {
        v &= 0xffffffffUL;
        if ((r >> 40) & 7) {
            v |= 0xffffffff00000000UL;
        } else {
            v |= next() & 0xffffffff00000000UL; /* improperly boxed (or by chance boxed) */
        }
    } else if (((r >> 40) & 15) == 0) {
        /* a double register holding a boxed single */
        v = 0xffffffff00000000UL | (uint32_t)v;
    }
    return v;
}

#define OPFP(f5, fmt, rs2, rs1, rm, rd) (((f5) << 27) | ((fmt) << 25) | ((rs2) << 20) | ((rs1) << 15) | ((rm) << 12) | ((rd) << 7) | 0x53)

/* A random floating-point instruction with rd = f3 or x10, rs1 = f0 or x11, rs2 = f1, rs3 = f2. */
static uint32_t instruction(int *single, int *dynamic)
{
    uint64_t r = next();
    int fmt = r & 1;
    *single = fmt == 0;
    static const int RM[] = {0, 1, 2, 3, 4, 7, 0, 7};
    int rm = RM[(r >> 1) & 7];
    *dynamic = rm == 7;
    switch ((r >> 4) % 19) {
    case 0: case 1: case 2: case 3: /* fadd fsub fmul fdiv */
        return OPFP((r >> 4) % 19, fmt, 1, 0, rm, 3);
    case 4: return OPFP(0x0b, fmt, 0, 0, rm, 3);                       /* fsqrt */
    case 5: *dynamic = 0; return OPFP(0x04, fmt, 1, 0, (r >> 9) % 3, 3); /* fsgnj[n,x] */
    case 6: *dynamic = 0; return OPFP(0x05, fmt, 1, 0, (r >> 9) & 1, 3); /* fmin fmax */
    case 7: *dynamic = 0; return OPFP(0x14, fmt, 1, 0, (r >> 9) % 3, 10); /* fle flt feq */
    case 8: *dynamic = 0; return OPFP(0x1c, fmt, 0, 0, (r >> 9) & 1, 10); /* fmv.x / fclass */
    case 9: *dynamic = 0; return OPFP(0x1e, fmt, 0, 11, 0, 3);           /* fmv.f.x */
    case 10: case 11: return OPFP(0x18, fmt, (r >> 9) & 3, 0, rm, 10);  /* fcvt.int.f */
    case 12: return OPFP(0x1a, fmt, (r >> 9) & 3, 11, rm, 3);          /* fcvt.f.int */
    case 13: return OPFP(0x08, fmt, fmt == 0 ? 1 : 0, 0, rm, 3);        /* fcvt.s.d / fcvt.d.s */
    default: { /* the fused multiply-adds */
        static const int OPC[] = {0x43, 0x47, 0x4b, 0x4f};
        return (2u << 27) | ((uint32_t)fmt << 25) | (1u << 20) | (rm << 12) | (3u << 7) | OPC[(r >> 9) & 3];
    }
    }
}

static uint32_t stub[8] __attribute__((aligned(8)));

int main(void)
{
    csr_set(mstatus, 1UL << 13);
    puts_("fpfuzz\n");
    stub[0] = (0x79u << 25) | (10u << 15) | (0u << 7) | 0x53; /* fmv.d.x f0, a0 */
    stub[1] = (0x79u << 25) | (11u << 15) | (1u << 7) | 0x53; /* fmv.d.x f1, a1 */
    stub[2] = (0x79u << 25) | (12u << 15) | (2u << 7) | 0x53; /* fmv.d.x f2, a2 */
    stub[3] = (0x79u << 25) | (0u << 15) | (3u << 7) | 0x53;  /* fmv.d.x f3, x0 */
    stub[5] = (3u << 20) | (13u << 15) | (3u << 12) | 0x27;   /* fsd f3, 0(a3) */
    stub[6] = (10u << 20) | (13u << 15) | (3u << 12) | (8u << 7) | 0x23; /* sd a0, 8(a3) */
    stub[7] = 0x00008067;                                     /* ret */
    static const uint64_t SEEDS[] = {0x9e3779b97f4a7c15UL, 0x0123456789abcdefUL, 0xfeedfacecafebeefUL, 42};
    for (unsigned s = 0; s < sizeof(SEEDS) / sizeof(SEEDS[0]); s++) {
        state = SEEDS[s];
        uint64_t sum = 0;
        for (unsigned i = 0; i < 40000; i++) {
            int single, dynamic;
            uint32_t insn = instruction(&single, &dynamic);
            uint64_t a = operand(single), b = operand(single), c = operand(single);
            uint64_t out[2];
            if (dynamic) {
                csr_write(frm, next() % 5);
            }
            stub[4] = insn;
            __asm__ volatile("fence.i" ::: "memory");
            csr_write(fflags, 0);
            ((void (*)(uint64_t, uint64_t, uint64_t, uint64_t *))(uintptr_t)stub)(a, b, c, out);
            uint64_t flags = csr_read(fflags);
            if (i < 2500) {
                printf_("%x %016lx %016lx %016lx -> %016lx %016lx %lx\n", insn, a, b, c, out[0], out[1], flags);
            }
            sum = (sum ^ out[0] ^ (out[1] << 7) ^ (flags << 59) ^ insn) * 0x100000001b3UL;
        }
        printf_("seed %016lx checksum %016lx\n", SEEDS[s], sum);
        sig_dword(sum);
    }
    return 0;
}
