#include "guest.h"
#include <stdarg.h>

#define UART_THR 0
#define UART_RBR 0
#define UART_LSR 5
#define LSR_DR   0x01
#define LSR_THRE 0x20

static volatile uint8_t *const uart = (volatile uint8_t *)UART_BASE;

void putch(char c)
{
    while ((uart[UART_LSR] & LSR_THRE) == 0) {
    }
    uart[UART_THR] = (uint8_t)c;
}

int getch_nonblock(void)
{
    if (uart[UART_LSR] & LSR_DR) {
        return uart[UART_RBR];
    }
    return -1;
}

void puts_(const char *s)
{
    while (*s) {
        putch(*s++);
    }
}

static void put_hex_n(uint64_t v, int digits)
{
    for (int i = digits - 1; i >= 0; i--) {
        putch("0123456789abcdef"[(v >> (i * 4)) & 0xf]);
    }
}

void put_hex(uint64_t v) { put_hex_n(v, 16); }
void put_hex32(uint32_t v) { put_hex_n(v, 8); }

void put_udec(uint64_t v)
{
    char buf[24];
    int n = 0;
    do {
        buf[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) {
        putch(buf[--n]);
    }
}

void put_dec(int64_t v)
{
    if (v < 0) {
        putch('-');
        put_udec((uint64_t)0 - (uint64_t)v);
    } else {
        put_udec((uint64_t)v);
    }
}

void printf_(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            putch(*fmt);
            continue;
        }
        fmt++;
        int wide = 0;
        int pad16 = 0;
        if (fmt[0] == '0' && fmt[1] == '1' && fmt[2] == '6') {
            pad16 = 1;
            fmt += 3;
        }
        while (*fmt == 'l') {
            wide = 1;
            fmt++;
        }
        switch (*fmt) {
        case 's': puts_(va_arg(ap, const char *)); break;
        case 'c': putch((char)va_arg(ap, int)); break;
        case 'd': put_dec(wide ? va_arg(ap, int64_t) : va_arg(ap, int)); break;
        case 'u': put_udec(wide ? va_arg(ap, uint64_t) : va_arg(ap, unsigned)); break;
        case 'x': {
            uint64_t v = wide ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            if (pad16) {
                put_hex(v);
            } else {
                int d = 1;
                while (d < 16 && (v >> (d * 4)) != 0) {
                    d++;
                }
                put_hex_n(v, d);
            }
            break;
        }
        case '%': putch('%'); break;
        default: putch('?'); break;
        }
    }
    va_end(ap);
}

extern uint32_t begin_signature[];
extern uint32_t end_signature[];
static unsigned sig_pos;

void sig_word(uint32_t v)
{
    if (&begin_signature[sig_pos] < end_signature) {
        begin_signature[sig_pos++] = v;
    }
}

void guest_exit(int code)
{
    volatile uint32_t *fin = (volatile uint32_t *)FINISHER_BASE;
    if (code == 0) {
        *fin = 0x5555;
    } else {
        *fin = ((uint32_t)code << 16) | 0x3333;
    }
    for (;;) {
        __asm__ volatile("wfi");
    }
}

