#include "check.h"

int fails;

void check(const char *what, uint64_t got, uint64_t want)
{
    if (got != want) {
        printf_("FAIL %s: got %016lx want %016lx\n", what, got, want);
        fails++;
    }
}

void sig_dword(uint64_t v)
{
    sig_word((uint32_t)v);
    sig_word((uint32_t)(v >> 32));
}

void out(const char *what, uint64_t v)
{
    printf_("%s -> %016lx\n", what, v);
    sig_dword(v);
}
