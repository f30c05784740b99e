/* kvstore: an interactive key-value store driven over the console (the "service guest").
 *
 * Protocol: one command per line (\n ends a line, \r is ignored anywhere, at most
 * LINE_MAX bytes per line). Tokens are separated by runs of spaces; leading and
 * trailing spaces are ignored. Every line gets exactly one answer line, except `list`
 * (one line per key, then `end`). Nothing typed is echoed.
 *
 *   set KEY VALUE   -> OK sum=<16 hex>        VALUE = rest of the line (may hold spaces)
 *   get KEY         -> VALUE <value> | NOT_FOUND
 *   del KEY         -> OK sum=<16 hex> | NOT_FOUND
 *   incr KEY N      -> VALUE <new> sum=<16 hex>   (a missing key counts as 0)
 *   list            -> KEY <key> ... then end    (byte order of keys)
 *   count           -> COUNT <n>
 *   sum             -> SUM <16 hex>
 *   help            -> OK commands: ...
 *   quit            -> bye, then exit with pass
 *   anything else   -> ERR <reason>
 *
 * Keys: 1..32 bytes of [A-Za-z0-9_.-]. Values: 1..64 printable ASCII bytes (0x20..0x7e).
 * The checksum is FNV-1a 64 over key\0value\0 of every pair in key order (the empty
 * store sums to cbf29ce484222325), so equal states print equal sums.
 *
 * Input is interrupt-driven, as a real console driver's is: the UART's receive interrupt
 * reaches the hart through the PLIC (source 10, machine context) and wakes it from WFI;
 * with nothing typed the guest sleeps without a timer. Nothing printed depends on time. */
#include "guest.h"

#define CAPACITY  256
#define KEY_MAX   32
#define VAL_MAX   64
#define LINE_MAX  200
#define MIE_MEIE  (1UL << 11)
#define MST_MIE   (1UL << 3)

#define PLIC_BASE      0x0c000000UL
#define UART_IRQ       10
#define PLIC_PRIORITY  (PLIC_BASE + 4 * UART_IRQ)
#define PLIC_ENABLE0   (PLIC_BASE + 0x2000)
#define PLIC_THRESHOLD (PLIC_BASE + 0x200000)
#define PLIC_CLAIM     (PLIC_BASE + 0x200004)
#define UART_IER       (UART_BASE + 1)
#define UART_LSR_REG   (UART_BASE + 5)

/* ------------------------------------------------------------------ interrupts / traps */

__asm__(
    ".section .text\n"
    ".balign 4\n"
    ".globl kv_trap\n"
    "kv_trap:\n"
    "  addi sp, sp, -128\n"
    "  sd ra, 0(sp)\n"
    "  sd a0, 8(sp)\n"
    "  sd a1, 16(sp)\n"
    "  sd a2, 24(sp)\n"
    "  sd a3, 32(sp)\n"
    "  sd a4, 40(sp)\n"
    "  sd a5, 48(sp)\n"
    "  sd a6, 56(sp)\n"
    "  sd a7, 64(sp)\n"
    "  sd t0, 72(sp)\n"
    "  sd t1, 80(sp)\n"
    "  sd t2, 88(sp)\n"
    "  sd t3, 96(sp)\n"
    "  sd t4, 104(sp)\n"
    "  sd t5, 112(sp)\n"
    "  sd t6, 120(sp)\n"
    "  call kv_trap_c\n"
    "  ld ra, 0(sp)\n"
    "  ld a0, 8(sp)\n"
    "  ld a1, 16(sp)\n"
    "  ld a2, 24(sp)\n"
    "  ld a3, 32(sp)\n"
    "  ld a4, 40(sp)\n"
    "  ld a5, 48(sp)\n"
    "  ld a6, 56(sp)\n"
    "  ld a7, 64(sp)\n"
    "  ld t0, 72(sp)\n"
    "  ld t1, 80(sp)\n"
    "  ld t2, 88(sp)\n"
    "  ld t3, 96(sp)\n"
    "  ld t4, 104(sp)\n"
    "  ld t5, 112(sp)\n"
    "  ld t6, 120(sp)\n"
    "  addi sp, sp, 128\n"
    "  mret\n");

extern char kv_trap[];

/* Interrupts are never taken (mstatus.MIE stays clear: WFI wakes on a pending enabled
 * interrupt regardless), so any trap is fatal. */
void kv_trap_c(void)
{
    printf_("FATAL trap mcause=%016lx mepc=%016lx mtval=%016lx\n", csr_read(mcause), csr_read(mepc),
            csr_read(mtval));
    guest_exit(2);
}

static void irq_init(void)
{
    csr_clear(mstatus, MST_MIE);
    csr_write(mtvec, (uint64_t)kv_trap);     /* direct mode */
    *(volatile uint32_t *)PLIC_PRIORITY = 1;
    *(volatile uint32_t *)PLIC_ENABLE0 = 1u << UART_IRQ;
    *(volatile uint32_t *)PLIC_THRESHOLD = 0;
    *(volatile uint8_t *)UART_IER = 1;       /* receive data available */
    csr_write(mie, MIE_MEIE);
}

/* Sleeps until a byte arrives: WFI until the UART's interrupt is pending at the PLIC,
 * then claim and complete it (the gateway raises it again while bytes are waiting). */
static void wait_input(void)
{
    while (!(*(volatile uint8_t *)UART_LSR_REG & 1)) {
        __asm__ volatile("wfi");
        uint32_t id = *(volatile uint32_t *)PLIC_CLAIM;
        if (id) {
            *(volatile uint32_t *)PLIC_CLAIM = id;
        }
    }
}

/* ------------------------------------------------------------------ small helpers */

static size_t slen(const char *s)
{
    size_t n = 0;
    while (s[n]) {
        n++;
    }
    return n;
}

static int scmp(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (int)(unsigned char)*a - (int)(unsigned char)*b;
}

static void scopy(char *d, const char *s)
{
    while ((*d++ = *s++)) {
    }
}

static int key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == '-';
}

static int valid_key(const char *k)
{
    size_t n = slen(k);
    if (n == 0 || n > KEY_MAX) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (!key_char(k[i])) {
            return 0;
        }
    }
    return 1;
}

/* Strict signed 64-bit decimal: optional sign, 1..n digits, nothing else. */
static int parse_i64(const char *s, int64_t *out)
{
    int neg = 0;
    if (*s == '+' || *s == '-') {
        neg = *s == '-';
        s++;
    }
    if (*s == 0) {
        return 0;
    }
    uint64_t limit = neg ? (uint64_t)1 << 63 : ((uint64_t)1 << 63) - 1;
    uint64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') {
            return 0;
        }
        uint64_t d = (uint64_t)(*s - '0');
        if (v > (limit - d) / 10) {
            return 0;
        }
        v = v * 10 + d;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 1;
}

static void format_i64(char *buf, int64_t x)
{
    char tmp[24];
    int n = 0;
    uint64_t v = x < 0 ? 0 - (uint64_t)x : (uint64_t)x;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    if (x < 0) {
        *buf++ = '-';
    }
    while (n) {
        *buf++ = tmp[--n];
    }
    *buf = 0;
}

/* ------------------------------------------------------------------ the store */

struct entry {
    char key[KEY_MAX + 1];
    char val[VAL_MAX + 1];
};

static struct entry store[CAPACITY];   /* sorted by key (byte order) */
static int nkeys;

/* Index of key, or -(insertion point) - 1 when absent. */
static int find(const char *key)
{
    int lo = 0, hi = nkeys;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        int c = scmp(store[mid].key, key);
        if (c == 0) {
            return mid;
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return -lo - 1;
}

/* Stores key=val (both already validated); returns 0 when the store is full. */
static int put(const char *key, const char *val)
{
    int i = find(key);
    if (i < 0) {
        if (nkeys == CAPACITY) {
            return 0;
        }
        i = -i - 1;
        for (int j = nkeys; j > i; j--) {
            store[j] = store[j - 1];
        }
        nkeys++;
        scopy(store[i].key, key);
    }
    scopy(store[i].val, val);
    return 1;
}

static void remove_at(int i)
{
    for (int j = i; j < nkeys - 1; j++) {
        store[j] = store[j + 1];
    }
    nkeys--;
}

static uint64_t checksum(void)
{
    uint64_t h = 0xcbf29ce484222325UL;
    for (int i = 0; i < nkeys; i++) {
        for (int part = 0; part < 2; part++) {
            const char *p = part ? store[i].val : store[i].key;
            do {
                h ^= (uint8_t)*p;
                h *= 0x100000001b3UL;
            } while (*p++);
        }
    }
    return h;
}

/* ------------------------------------------------------------------ commands */

static void ok_sum(void)
{
    printf_("OK sum=%016lx\n", checksum());
}

static void err(const char *why)
{
    printf_("ERR %s\n", why);
}

/* Splits off the next space-separated token; returns it or 0 at the end of the line. */
static char *token(char **pp)
{
    char *p = *pp;
    while (*p == ' ') {
        p++;
    }
    if (*p == 0) {
        *pp = p;
        return 0;
    }
    char *t = p;
    while (*p && *p != ' ') {
        p++;
    }
    if (*p) {
        *p++ = 0;
    }
    *pp = p;
    return t;
}

static char *rest(char **pp)
{
    char *p = *pp;
    while (*p == ' ') {
        p++;
    }
    return *p ? p : 0;
}

static void cmd_set(char *args)
{
    char *key = token(&args);
    char *val = key ? rest(&args) : 0;
    if (!val) {
        err("usage: set KEY VALUE");
    } else if (!valid_key(key)) {
        err("bad key");
    } else if (slen(val) > VAL_MAX) {
        err("value too long");
    } else if (!put(key, val)) {
        err("store full");
    } else {
        ok_sum();
    }
}

static char *one_key(char *args, const char *usage)
{
    char *key = token(&args);
    if (!key || token(&args)) {
        err(usage);
        return 0;
    }
    if (!valid_key(key)) {
        err("bad key");
        return 0;
    }
    return key;
}

static void cmd_get(char *args)
{
    char *key = one_key(args, "usage: get KEY");
    if (key) {
        int i = find(key);
        if (i < 0) {
            puts_("NOT_FOUND\n");
        } else {
            printf_("VALUE %s\n", store[i].val);
        }
    }
}

static void cmd_del(char *args)
{
    char *key = one_key(args, "usage: del KEY");
    if (key) {
        int i = find(key);
        if (i < 0) {
            puts_("NOT_FOUND\n");
        } else {
            remove_at(i);
            ok_sum();
        }
    }
}

static void cmd_incr(char *args)
{
    char *key = token(&args);
    char *num = key ? token(&args) : 0;
    int64_t n, v = 0;
    if (!num || token(&args)) {
        err("usage: incr KEY N");
        return;
    }
    if (!valid_key(key)) {
        err("bad key");
        return;
    }
    if (!parse_i64(num, &n)) {
        err("bad number");
        return;
    }
    int i = find(key);
    if (i >= 0 && !parse_i64(store[i].val, &v)) {
        err("value is not an integer");
        return;
    }
    if (__builtin_add_overflow(v, n, &v)) {
        err("overflow");
        return;
    }
    char buf[24];
    format_i64(buf, v);
    if (!put(key, buf)) {
        err("store full");
        return;
    }
    printf_("VALUE %s sum=%016lx\n", buf, checksum());
}

static int no_args(char *args, const char *usage)
{
    if (token(&args)) {
        err(usage);
        return 0;
    }
    return 1;
}

/* Returns 1 when the session should end. */
static int execute(char *line)
{
    size_t n = slen(line);
    while (n > 0 && line[n - 1] == ' ') {
        line[--n] = 0;
    }
    char *args = line;
    char *cmd = token(&args);
    if (!cmd) {
        err("empty line");
    } else if (!scmp(cmd, "set")) {
        cmd_set(args);
    } else if (!scmp(cmd, "get")) {
        cmd_get(args);
    } else if (!scmp(cmd, "del")) {
        cmd_del(args);
    } else if (!scmp(cmd, "incr")) {
        cmd_incr(args);
    } else if (!scmp(cmd, "list")) {
        if (no_args(args, "usage: list")) {
            for (int i = 0; i < nkeys; i++) {
                printf_("KEY %s\n", store[i].key);
            }
            puts_("end\n");
        }
    } else if (!scmp(cmd, "count")) {
        if (no_args(args, "usage: count")) {
            printf_("COUNT %d\n", nkeys);
        }
    } else if (!scmp(cmd, "sum")) {
        if (no_args(args, "usage: sum")) {
            printf_("SUM %016lx\n", checksum());
        }
    } else if (!scmp(cmd, "help")) {
        if (no_args(args, "usage: help")) {
            puts_("OK commands: set KEY VALUE | get KEY | del KEY | incr KEY N | list | count"
                  " | sum | help | quit\n");
        }
    } else if (!scmp(cmd, "quit")) {
        if (no_args(args, "usage: quit")) {
            puts_("bye\n");
            return 1;
        }
    } else {
        err("unknown command");
    }
    return 0;
}

/* ------------------------------------------------------------------ main loop */

static char line[LINE_MAX + 1];

int main(void)
{
    irq_init();
    puts_("kvstore ready\n");

    int len = 0;
    int too_long = 0;
    int bad_byte = 0;
    for (;;) {
        int c = getch_nonblock();
        if (c < 0) {
            wait_input();
            continue;
        }
        if (c == '\r') {
            continue;
        }
        if (c != '\n') {
            if (len == LINE_MAX) {
                too_long = 1;
            } else {
                line[len++] = (char)c;
            }
            if (c < 0x20 || c > 0x7e) {
                bad_byte = 1;
            }
            continue;
        }
        line[len] = 0;
        int quit = 0;
        if (too_long) {
            err("line too long");
        } else if (bad_byte) {
            err("bad byte");
        } else {
            quit = execute(line);
        }
        len = 0;
        too_long = 0;
        bad_byte = 0;
        if (quit) {
            return 0;
        }
    }
}
