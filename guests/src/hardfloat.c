/* hardfloat: a guest built the way Debian's toolchains build for RV64GC by default — -march=rv64gc -mabi=lp64d,
 * doubles passed in floating-point registers — linked with picolibc's hard-float libc and libm: formatted
 * printing of doubles (%f %e %g %a), string to double conversions, and the libm functions numerical programs use.
 * QEMU and ftvm must print the same bytes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "guest.h"

static double series(int n)
{
    double s = 0.0;
    for (int k = 1; k <= n; k++) {
        s += (k & 1 ? 4.0 : -4.0) / (2 * k - 1); /* Leibniz: pi */
    }
    return s;
}

static float single_work(float x)
{
    float acc = 0.0f;
    for (int i = 0; i < 1000; i++) {
        acc = fmaf(acc, 0.999f, sqrtf(x + (float)i));
    }
    return acc;
}

int main(void)
{
    __asm__ volatile("csrs mstatus, %0" :: "r"(1UL << 13));
    char buf[256];
    static const double VALUES[] = {0.0, -0.0, 1.0, 0.1, 1.0 / 3.0, 2.5e-310, 1.7976931348623157e308, -123456.789,
        3.141592653589793, 1e22, 5e-324};
    puts_("hardfloat\n");
    for (unsigned i = 0; i < sizeof(VALUES) / sizeof(VALUES[0]); i++) {
        double v = VALUES[i];
        snprintf(buf, sizeof buf, "%.17g %f %.3e %a %g\n", v, v, v, v, v);
        puts_(buf);
    }
    static const double ARGS[] = {0.5, 1.0, 2.0, 10.0, 0.001, 100.5, -3.75};
    for (unsigned i = 0; i < sizeof(ARGS) / sizeof(ARGS[0]); i++) {
        double x = ARGS[i];
        snprintf(buf, sizeof buf, "x=%g sqrt=%.17g exp=%.17g log=%.17g sin=%.17g cos=%.17g\n", x, sqrt(fabs(x)),
                 exp(x), log(fabs(x)), sin(x), cos(x));
        puts_(buf);
        snprintf(buf, sizeof buf, "  pow=%.17g atan2=%.17g floor=%g fmod=%.17g tanh=%.17g cbrt=%.17g\n",
                 pow(fabs(x), 1.7), atan2(x, 0.3), floor(x), fmod(x, 0.7), tanh(x), cbrt(x));
        puts_(buf);
    }
    static const char *const TEXT[] = {"3.14159", "-2.5e-3", "1e308", "4.9e-324", "0x1.8p3", "inf", "nan", "1e400"};
    for (unsigned i = 0; i < sizeof(TEXT) / sizeof(TEXT[0]); i++) {
        double d = strtod(TEXT[i], NULL);
        float f = strtof(TEXT[i], NULL);
        snprintf(buf, sizeof buf, "strtod(%s) = %a, strtof = %a\n", TEXT[i], d, (double)f);
        puts_(buf);
    }
    snprintf(buf, sizeof buf, "leibniz(100000) = %.17g\nsingle = %.9g\n", series(100000), (double)single_work(2.0f));
    puts_(buf);
    uint64_t fcsr;
    __asm__ volatile("csrr %0, fcsr" : "=r"(fcsr));
    printf_("fcsr %lx\n", fcsr);
    return 0;
}
