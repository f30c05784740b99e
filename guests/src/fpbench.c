/* fpbench: a fixed amount of floating-point work, the kind numerical code does: a dense double-precision matrix
 * multiply (fused multiply-adds), an LU factorisation with partial pivoting and a solve (divisions), a
 * single-precision stencil, vector norms (square roots) and conversions. Prints per-part checksums (the bits of the
 * results, so the output is exact and the same on every correct machine); about 300 million instructions
 * (REPEAT 72). */
#include "guest.h"

#define REPEAT 72
#define N 64
#define GRID 96

static double a[N][N], b[N][N], c[N][N], lu[N][N];
static double x[N], rhs[N];
static int piv[N];
static float g0[GRID][GRID], g1[GRID][GRID];

static uint64_t bits(double v)
{
    uint64_t u;
    __builtin_memcpy(&u, &v, 8);
    return u;
}

static uint64_t lcg_state = 12345;

static double rnd(void)
{
    lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(int64_t)(lcg_state >> 11) / 4503599627370496.0 - 1.0; /* [-1, 1) */
}

static void init(void)
{
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) {
            a[i][j] = rnd();
            b[i][j] = rnd();
        }
        a[i][i] += N; /* diagonally dominant: a well-conditioned LU */
        rhs[i] = rnd();
    }
    for (int i = 0; i < GRID; i++) {
        for (int j = 0; j < GRID; j++) {
            g0[i][j] = (float)((i * 7 + j * 13) % 17) * 0.25f;
        }
    }
}

static uint64_t matmul(void)
{
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) {
            double s = 0.0;
            for (int k = 0; k < N; k++) {
                s += a[i][k] * b[k][j];
            }
            c[i][j] = s;
        }
    }
    uint64_t h = 0;
    for (int i = 0; i < N; i++) {
        h = h * 31 + bits(c[i][(i * 5) % N]);
    }
    return h;
}

static uint64_t lu_solve(void)
{
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) {
            lu[i][j] = a[i][j];
        }
    }
    for (int k = 0; k < N; k++) {
        int p = k;
        double best = __builtin_fabs(lu[k][k]);
        for (int i = k + 1; i < N; i++) {
            if (__builtin_fabs(lu[i][k]) > best) {
                best = __builtin_fabs(lu[i][k]);
                p = i;
            }
        }
        piv[k] = p;
        if (p != k) {
            for (int j = 0; j < N; j++) {
                double t = lu[k][j];
                lu[k][j] = lu[p][j];
                lu[p][j] = t;
            }
        }
        for (int i = k + 1; i < N; i++) {
            double f = lu[i][k] / lu[k][k];
            lu[i][k] = f;
            for (int j = k + 1; j < N; j++) {
                lu[i][j] -= f * lu[k][j];
            }
        }
    }
    for (int i = 0; i < N; i++) {
        x[i] = rhs[i];
    }
    for (int k = 0; k < N; k++) {
        double t = x[k];
        x[k] = x[piv[k]];
        x[piv[k]] = t;
    }
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < i; j++) {
            x[i] -= lu[i][j] * x[j];
        }
    }
    for (int i = N - 1; i >= 0; i--) {
        for (int j = i + 1; j < N; j++) {
            x[i] -= lu[i][j] * x[j];
        }
        x[i] /= lu[i][i];
    }
    double norm = 0.0;
    for (int i = 0; i < N; i++) {
        norm += x[i] * x[i];
    }
    return bits(__builtin_sqrt(norm)) ^ bits(x[N / 2]);
}

static uint64_t stencil(void)
{
    for (int step = 0; step < 8; step++) {
        for (int i = 1; i < GRID - 1; i++) {
            for (int j = 1; j < GRID - 1; j++) {
                g1[i][j] = 0.2f * (g0[i][j] + g0[i - 1][j] + g0[i + 1][j] + g0[i][j - 1] + g0[i][j + 1]);
            }
        }
        for (int i = 1; i < GRID - 1; i++) {
            for (int j = 1; j < GRID - 1; j++) {
                g0[i][j] = g1[i][j];
            }
        }
    }
    float s = 0.0f;
    int64_t q = 0;
    for (int i = 0; i < GRID; i++) {
        s += g0[i][i] / (1.0f + (float)i);
        q += (int64_t)(g0[i][GRID / 2] * 1000.0f);
    }
    uint32_t u;
    __builtin_memcpy(&u, &s, 4);
    return ((uint64_t)u << 32) ^ (uint64_t)q;
}

int main(void)
{
    __asm__ volatile("csrs mstatus, %0" :: "r"(1UL << 13));
    init();
    uint64_t total = 0;
    for (int r = 0; r < REPEAT; r++) {
        uint64_t m = matmul();
        uint64_t l = lu_solve();
        uint64_t s = stencil();
        printf_("round %d: matmul %016lx lu %016lx stencil %016lx\n", r, m, l, s);
        total = total * 1099511628211ULL ^ m ^ (l << 1) ^ (s << 2);
        a[r % N][(r * 3) % N] += 0.5; /* the next round differs */
    }
    printf_("fpbench checksum %016lx\n", total);
    return 0;
}
