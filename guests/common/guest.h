/* Minimal runtime for ftvm guests: console on the NS16550A UART,
 * exit through the SiFive test finisher. Works on QEMU virt and ftvm. */
#ifndef FTVM_GUEST_H
#define FTVM_GUEST_H

#include <stdint.h>
#include <stddef.h>

#define UART_BASE     0x10000000UL
#define FINISHER_BASE 0x00100000UL
#define CLINT_BASE    0x02000000UL
#define CLINT_MSIP     (CLINT_BASE + 0x0000)
#define CLINT_MTIMECMP (CLINT_BASE + 0x4000)
#define CLINT_MTIME    (CLINT_BASE + 0xBFF8)

void putch(char c);
void puts_(const char *s);
void put_hex(uint64_t v);          /* 16 hex digits, no prefix */
void put_hex32(uint32_t v);        /* 8 hex digits */
void put_dec(int64_t v);
void put_udec(uint64_t v);
void printf_(const char *fmt, ...); /* %s %c %d %u %x %lx %ld %lu %016lx %% */
int  getch_nonblock(void);         /* -1 when no byte is waiting */

/* Ends the run: code 0 = pass (0x5555), otherwise fail with that code. */
void guest_exit(int code) __attribute__((noreturn));

#define csr_read(csr) ({ uint64_t __v; __asm__ volatile("csrr %0, " #csr : "=r"(__v)); __v; })
#define csr_write(csr, v) __asm__ volatile("csrw " #csr ", %0" :: "rK"((uint64_t)(v)) : "memory")
#define csr_set(csr, v) __asm__ volatile("csrs " #csr ", %0" :: "rK"((uint64_t)(v)) : "memory")
#define csr_clear(csr, v) __asm__ volatile("csrc " #csr ", %0" :: "rK"((uint64_t)(v)) : "memory")

static inline void mmio_write32(uintptr_t a, uint32_t v) { *(volatile uint32_t *)a = v; }
static inline uint32_t mmio_read32(uintptr_t a) { return *(volatile uint32_t *)a; }
static inline void mmio_write64(uintptr_t a, uint64_t v) { *(volatile uint64_t *)a = v; }
static inline uint64_t mmio_read64(uintptr_t a) { return *(volatile uint64_t *)a; }

/* Signature region for compliance-style checks (see link.ld / --signature). */
void sig_word(uint32_t v);

#endif
