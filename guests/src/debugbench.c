/* debugbench: a long, memory-hungry run for the replay debugger's benchmark (bench/replay-debug).
 * About 1.1 billion instructions. It writes across 96 MiB above the image (ftvm and QEMU give the guest 128 MiB
 * of RAM by default) through a 4 MiB window that moves along as the rounds go, as a server's working set does, so
 * the debugger's checkpoints hold realistic page deltas. milestone() runs exactly once, halfway through: the
 * benchmark reverse-continues to it from the end. The output depends only on the computation. */
#include "guest.h"

#define AREA        ((volatile uint64_t *)0x81000000UL)
#define AREA_WORDS  ((96UL << 20) / 8)
#define WINDOW      ((4UL << 20) / 8)
#define ROUNDS      128
#define PER_ROUND   600000

static uint64_t lcg_state = 88172645463325252ULL;

static inline uint64_t lcg(void)
{
    lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return lcg_state >> 17;
}

__attribute__((noinline)) void milestone(int round, uint64_t sum)
{
    printf_("milestone: round %d, sum %016lx\n", round, sum);
}

int main(void)
{
    uint64_t sum = 0;
    for (int r = 0; r < ROUNDS; r++) {
        uint64_t base = ((uint64_t)r * (AREA_WORDS / ROUNDS)) % (AREA_WORDS - WINDOW);
        for (uint64_t i = 0; i < PER_ROUND; i++) {
            uint64_t idx = base + lcg() % WINDOW;
            AREA[idx] += i ^ sum;
            sum = sum * 31 + AREA[base + (idx * 7) % WINDOW];
        }
        if (r == ROUNDS / 2) {
            milestone(r, sum);
        }
    }
    printf_("debugbench done: sum %016lx\n", sum);
    return 0;
}
