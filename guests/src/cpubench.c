/* cpubench: a fixed amount of mixed integer work (hashing, sorting, matrix
 * multiply, pointer chasing, a tokenizer DFA, multiplies and divides).
 * Prints per-part checksums and a final checksum; the output depends only
 * on the computation, never on timing.  About 345 million instructions with REPEAT 48
 * (measured under -icount shift=0). */
#include "guest.h"

#define REPEAT 48         /* outer repeat count; each round ~7.4M instructions */

#define BUF_LEN   8192
#define SORT_N    4096
#define MAT_N     48
#define LIST_N    16384
#define TEXT_LEN  16384

static uint64_t lcg_state;

static inline uint64_t lcg(void)
{
    lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return lcg_state >> 17;
}

static uint8_t buf[BUF_LEN];
static uint32_t crc_table[256];

/* ---------------------------------------------------------------- hashing */

static void crc32_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) {
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }
        crc_table[i] = c;
    }
}

static uint32_t crc32(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c = crc_table[(c ^ p[i]) & 0xff] ^ (c >> 8);
    }
    return c ^ 0xFFFFFFFFu;
}

/* bitwise CRC (no table) for extra branchy work */
static uint32_t crc32_bitwise(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) {
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
        }
    }
    return c ^ 0xFFFFFFFFu;
}

static uint64_t fnv1a64(const uint8_t *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static const uint32_t sha_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t ror32(uint32_t x, int r) { return (x >> r) | (x << (32 - r)); }

static void sha256_block(uint32_t st[8], const uint8_t *blk)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++) {
        w[i] = ((uint32_t)blk[4 * i] << 24) | ((uint32_t)blk[4 * i + 1] << 16) |
               ((uint32_t)blk[4 * i + 2] << 8) | blk[4 * i + 3];
    }
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = st[0], b = st[1], c = st[2], d = st[3];
    uint32_t e = st[4], f = st[5], g = st[6], h = st[7];
    for (int i = 0; i < 64; i++) {
        uint32_t S1 = ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = h + S1 + ch + sha_k[i] + w[i];
        uint32_t S0 = ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22);
        uint32_t mj = (a & b) ^ (a & c) ^ (b & c);
        uint32_t t2 = S0 + mj;
        h = g; g = f; f = e; e = d + t1;
        d = c; c = b; b = a; a = t1 + t2;
    }
    st[0] += a; st[1] += b; st[2] += c; st[3] += d;
    st[4] += e; st[5] += f; st[6] += g; st[7] += h;
}

/* Full SHA-256 of a message (with padding). */
static void sha256(const uint8_t *msg, size_t len, uint32_t out[8])
{
    static const uint32_t iv[8] = {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    };
    uint8_t tail[128];
    for (int i = 0; i < 8; i++) {
        out[i] = iv[i];
    }
    size_t full = len / 64;
    for (size_t b = 0; b < full; b++) {
        sha256_block(out, msg + 64 * b);
    }
    size_t rem = len - full * 64;
    for (size_t i = 0; i < 128; i++) {
        tail[i] = 0;
    }
    for (size_t i = 0; i < rem; i++) {
        tail[i] = msg[full * 64 + i];
    }
    tail[rem] = 0x80;
    size_t tl = (rem + 9 <= 64) ? 64 : 128;
    uint64_t bits = (uint64_t)len * 8;
    for (int i = 0; i < 8; i++) {
        tail[tl - 1 - i] = (uint8_t)(bits >> (8 * i));
    }
    sha256_block(out, tail);
    if (tl == 128) {
        sha256_block(out, tail + 64);
    }
}

static uint64_t part_hash(int round)
{
    lcg_state = 0x1234567ULL + (uint64_t)round * 7919;
    for (int i = 0; i < BUF_LEN; i++) {
        buf[i] = (uint8_t)(lcg() >> 11);
    }
    uint32_t c1 = crc32(buf, BUF_LEN);
    uint32_t c2 = crc32_bitwise(buf, BUF_LEN);
    uint64_t f = fnv1a64(buf, BUF_LEN);
    uint32_t d[8];
    sha256(buf, BUF_LEN - 13, d);
    uint64_t h = f ^ ((uint64_t)c1 << 32) ^ c2;
    for (int i = 0; i < 8; i++) {
        h = (h ^ d[i]) * 0x9E3779B97F4A7C15ULL;
        h ^= h >> 29;
    }
    if (c1 != c2) {
        printf_("hash: crc mismatch %x %x\n", c1, c2);
        h ^= 0xdead;
    }
    return h;
}

/* ---------------------------------------------------------------- sorting */

static int64_t arr[SORT_N];
static int64_t arr2[SORT_N];

static void quicksort(int64_t *a, long lo, long hi)
{
    while (lo < hi) {
        int64_t p = a[lo + (hi - lo) / 2];
        long i = lo, j = hi;
        while (i <= j) {
            while (a[i] < p) i++;
            while (a[j] > p) j--;
            if (i <= j) {
                int64_t t = a[i]; a[i] = a[j]; a[j] = t;
                i++; j--;
            }
        }
        if (j - lo < hi - i) {
            quicksort(a, lo, j);
            lo = i;
        } else {
            quicksort(a, i, hi);
            hi = j;
        }
    }
}

static void sift_down(int64_t *a, long start, long end)
{
    long root = start;
    while (2 * root + 1 <= end) {
        long child = 2 * root + 1;
        long sw = root;
        if (a[sw] < a[child]) sw = child;
        if (child + 1 <= end && a[sw] < a[child + 1]) sw = child + 1;
        if (sw == root) return;
        int64_t t = a[root]; a[root] = a[sw]; a[sw] = t;
        root = sw;
    }
}

static void heapsort(int64_t *a, long n)
{
    for (long s = (n - 2) / 2; s >= 0; s--) sift_down(a, s, n - 1);
    for (long end = n - 1; end > 0; end--) {
        int64_t t = a[end]; a[end] = a[0]; a[0] = t;
        sift_down(a, 0, end - 1);
    }
}

static uint64_t part_sort(int round, int *bad)
{
    lcg_state = 0xabcdefULL ^ ((uint64_t)round << 20);
    for (int i = 0; i < SORT_N; i++) {
        int64_t v = (int64_t)(lcg() % 2000003) - 1000000;
        arr[i] = v;
        arr2[i] = v;
    }
    quicksort(arr, 0, SORT_N - 1);
    heapsort(arr2, SORT_N);
    uint64_t h = 0;
    for (int i = 0; i < SORT_N; i++) {
        if (i && arr[i - 1] > arr[i]) *bad = 1;
        if (arr[i] != arr2[i]) *bad = 1;
        h = h * 31 + (uint64_t)arr[i];
    }
    /* median and quartiles via division */
    h ^= (uint64_t)(arr[SORT_N / 2] / 7) << 32;
    h += (uint64_t)(arr[SORT_N / 4] % 1000);
    return h;
}

/* ---------------------------------------------------------------- matrix */

static int32_t ma[MAT_N][MAT_N], mb[MAT_N][MAT_N];
static int64_t mc[MAT_N][MAT_N];

static uint64_t part_matrix(int round)
{
    lcg_state = 0x55aa55aaULL + (uint64_t)round;
    for (int i = 0; i < MAT_N; i++) {
        for (int j = 0; j < MAT_N; j++) {
            ma[i][j] = (int32_t)(lcg() % 2001) - 1000;
            mb[i][j] = (int32_t)(lcg() % 2001) - 1000;
        }
    }
    for (int i = 0; i < MAT_N; i++) {
        for (int j = 0; j < MAT_N; j++) {
            int64_t s = 0;
            for (int k = 0; k < MAT_N; k++) {
                s += (int64_t)ma[i][k] * mb[k][j];
            }
            mc[i][j] = s;
        }
    }
    uint64_t h = 0;
    int64_t trace = 0;
    for (int i = 0; i < MAT_N; i++) {
        trace += mc[i][i];
        for (int j = 0; j < MAT_N; j++) {
            h = (h ^ (uint64_t)mc[i][j]) * 0x100000001b3ULL;
        }
    }
    /* signed division and remainder on the results */
    int64_t q = trace / 37, r = trace % 37;
    int64_t q2 = mc[MAT_N - 1][0] / -13, r2 = mc[MAT_N - 1][0] % -13;
    return h ^ (uint64_t)q ^ ((uint64_t)r << 48) ^ ((uint64_t)q2 << 8) ^ ((uint64_t)r2 << 56);
}

/* ---------------------------------------------------------------- pointer chasing */

struct node {
    struct node *next;
    uint64_t val;
};

static struct node nodes[LIST_N];
static uint32_t perm[LIST_N];

static uint64_t part_chase(int round)
{
    lcg_state = 0xfeedULL * (uint64_t)(round + 1);
    for (uint32_t i = 0; i < LIST_N; i++) perm[i] = i;
    for (uint32_t i = LIST_N - 1; i > 0; i--) {
        uint32_t j = (uint32_t)(lcg() % (i + 1));
        uint32_t t = perm[i]; perm[i] = perm[j]; perm[j] = t;
    }
    for (uint32_t i = 0; i < LIST_N; i++) {
        struct node *n = &nodes[perm[i]];
        n->next = &nodes[perm[(i + 1) % LIST_N]];
        n->val = lcg();
    }
    uint64_t h = 0;
    struct node *p = &nodes[perm[0]];
    for (int lap = 0; lap < 8; lap++) {
        for (uint32_t i = 0; i < LIST_N; i++) {
            h = h * 0x9E3779B1u + p->val;
            p->val ^= h >> 7;
            p = p->next;
        }
    }
    if (p != &nodes[perm[0]]) h ^= 0xbad;
    return h;
}

/* ---------------------------------------------------------------- tokenizer DFA */

static char text[TEXT_LEN + 1];

enum { S_START, S_IDENT, S_NUM, S_HEX0, S_HEX, S_OP, S_STR, S_STR_ESC, S_COMMENT };

static uint64_t part_dfa(int round)
{
    static const char alpha[] =
        "abcdefghijklmnopqrstuvwxyz_ABCXYZ0123456789  \n\t+-*/=<>()\"\\#x0";
    lcg_state = 0x7777ULL + (uint64_t)round * 104729;
    for (int i = 0; i < TEXT_LEN; i++) {
        text[i] = alpha[lcg() % (sizeof(alpha) - 1)];
    }
    text[TEXT_LEN] = 0;
    uint64_t counts[8] = {0};
    uint64_t numsum = 0, h = 0, cur = 0;
    int st = S_START;
    for (int i = 0; i <= TEXT_LEN; i++) {
        char c = text[i];
        int isal = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        int isdig = (c >= '0' && c <= '9');
    again:
        switch (st) {
        case S_START:
            if (c == 0) break;
            if (isal) { st = S_IDENT; cur = (uint64_t)c; }
            else if (c == '0') { st = S_HEX0; cur = 0; }
            else if (isdig) { st = S_NUM; cur = (uint64_t)(c - '0'); }
            else if (c == '"') { st = S_STR; cur = 0; }
            else if (c == '#') { st = S_COMMENT; }
            else if (c == ' ' || c == '\n' || c == '\t') { counts[7] += (c == '\n'); }
            else { st = S_OP; cur = (uint64_t)c; }
            break;
        case S_IDENT:
            if (isal || isdig) { cur = cur * 33 + (uint64_t)c; }
            else { counts[0]++; h ^= cur; st = S_START; goto again; }
            break;
        case S_HEX0:
            if (c == 'x') { st = S_HEX; }
            else if (isdig) { st = S_NUM; cur = (uint64_t)(c - '0'); }
            else { counts[1]++; st = S_START; goto again; }
            break;
        case S_NUM:
            if (isdig) { cur = cur * 10 + (uint64_t)(c - '0'); }
            else { counts[1]++; numsum += cur % 1000003; st = S_START; goto again; }
            break;
        case S_HEX:
            if (isdig || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
                cur = (cur << 4) | (uint64_t)(isdig ? c - '0' : (c | 0x20) - 'a' + 10);
            } else { counts[2]++; numsum += cur / 3; st = S_START; goto again; }
            break;
        case S_OP:
            if ((c == '=' && (cur == '<' || cur == '>' || cur == '=')) ||
                (c == cur && (c == '+' || c == '-'))) {
                counts[3]++; h += cur * 256 + (uint64_t)c; st = S_START;
            } else { counts[4]++; h += cur; st = S_START; goto again; }
            break;
        case S_STR:
            if (c == '"') { counts[5]++; h = h * 131 + cur; st = S_START; }
            else if (c == '\\') { st = S_STR_ESC; }
            else if (c == 0) { counts[5]++; }
            else { cur = cur * 7 + (uint64_t)c; }
            break;
        case S_STR_ESC:
            cur ^= (uint64_t)c << 3; st = S_STR;
            break;
        case S_COMMENT:
            if (c == '\n' || c == 0) { counts[6]++; st = S_START; }
            break;
        }
    }
    for (int i = 0; i < 8; i++) {
        h = (h ^ counts[i]) * 0x100000001b3ULL;
    }
    return h ^ numsum;
}

/* ---------------------------------------------------------------- mul/div mix */

static uint64_t part_arith(int round)
{
    uint64_t x = 0x0123456789abcdefULL + (uint64_t)round;
    int64_t s = -987654321;
    uint64_t acc = 0;
    for (int i = 1; i <= 20000; i++) {
        x = x * 2862933555777941757ULL + 3037000493ULL;
        uint64_t d = (x >> 40) | 1;
        acc += x / d;
        acc ^= x % (uint64_t)(i * 3 + 1);
        s = s * 3 + (int64_t)(x >> 33);
        acc += (uint64_t)(s / (int64_t)(i | 1)) ^ (uint64_t)(s % 97);
        uint64_t hi;
        __asm__("mulhu %0, %1, %2" : "=r"(hi) : "r"(x), "r"(acc));
        acc += hi;
        int32_t w = (int32_t)x;
        acc += (uint64_t)(int64_t)(w / ((int32_t)i - 10001 == 0 ? 1 : (int32_t)i - 10001));
    }
    /* corner cases mandated by the ISA */
    volatile int64_t mn = INT64_MIN, m1 = -1, z = 0;
    acc ^= (uint64_t)(mn / m1) ^ (uint64_t)(mn % m1);
    acc ^= (uint64_t)(mn / z) + (uint64_t)(mn % z);
    return acc;
}

int main(void)
{
    crc32_init();
    uint64_t sums[6] = {0};
    int bad = 0;
    for (int r = 0; r < REPEAT; r++) {
        sums[0] = sums[0] * 3 + part_hash(r);
        sums[1] = sums[1] * 3 + part_sort(r, &bad);
        sums[2] = sums[2] * 3 + part_matrix(r);
        sums[3] = sums[3] * 3 + part_chase(r);
        sums[4] = sums[4] * 3 + part_dfa(r);
        sums[5] = sums[5] * 3 + part_arith(r);
    }
    static const char *const names[6] = {"hash", "sort", "matrix", "chase", "dfa", "arith"};
    uint64_t total = 0;
    for (int i = 0; i < 6; i++) {
        printf_("cpubench %s: %016lx\n", names[i], sums[i]);
        total = (total ^ sums[i]) * 0x9E3779B97F4A7C15ULL;
    }
    printf_("cpubench sort-check: %s\n", bad ? "FAIL" : "ok");
    printf_("cpubench repeat=%d total: %016lx\n", REPEAT, total);
    return bad ? 1 : 0;
}
