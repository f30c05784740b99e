/* plic: the platform-level interrupt controller of the virt machine with the UART as source 10.
 *  - registers: priorities and thresholds (0..7), enables (source 0 cannot be enabled), pending (read only)
 *  - polled: the UART's transmit-empty interrupt makes source 10 pending; enabled above the threshold it raises
 *    mip.MEIP (context 0) or mip.SEIP (context 1); a claim returns 10 and drops the line; complete
 *  - trapped: the machine external interrupt is taken (mcause 0x800000000000000b), the handler claims, silences the
 *    UART and completes
 * Nothing printed depends on timing. */
#include "guest.h"

#define PLIC_BASE 0x0c000000UL
#define PRIORITY(id) (PLIC_BASE + 4 * (id))
#define PENDING0 (PLIC_BASE + 0x1000)
#define ENABLE(ctx) (PLIC_BASE + 0x2000 + 0x80 * (ctx))
#define THRESHOLD(ctx) (PLIC_BASE + 0x200000 + 0x1000 * (ctx))
#define CLAIM(ctx) (THRESHOLD(ctx) + 4)
#define UART_IER (UART_BASE + 1)
#define UART_IRQ 10
#define MIP_SEIP (1UL << 9)
#define MIP_MEIP (1UL << 11)

static volatile uint64_t trap_cause;
static volatile uint32_t trap_claim;

static void uart_ier(uint8_t v)
{
    *(volatile uint8_t *)UART_IER = v;
}

void __attribute__((interrupt("machine"), aligned(4))) handler(void)
{
    trap_cause = csr_read(mcause);
    trap_claim = mmio_read32(CLAIM(0));
    uart_ier(0);
    mmio_write32(CLAIM(0), trap_claim);
}

static void registers(void)
{
    mmio_write32(PRIORITY(UART_IRQ), 7);
    printf_("priority 7 -> %x\n", mmio_read32(PRIORITY(UART_IRQ)));
    mmio_write32(PRIORITY(UART_IRQ), 3);
    printf_("priority 3 -> %x\n", mmio_read32(PRIORITY(UART_IRQ)));
    mmio_write32(THRESHOLD(0), 5);
    printf_("threshold 5 -> %x\n", mmio_read32(THRESHOLD(0)));
    mmio_write32(THRESHOLD(0), 0);
    mmio_write32(ENABLE(0), 0xffffffff);
    printf_("enable word 0 all ones -> %x\n", mmio_read32(ENABLE(0)));
    mmio_write32(ENABLE(0), 0);
    printf_("pending with nothing raised -> %x %x %x\n", mmio_read32(PENDING0), mmio_read32(PENDING0 + 4),
            mmio_read32(PENDING0 + 8));
    printf_("claim with nothing pending -> %x\n", mmio_read32(CLAIM(0)));
}

static void polled(void)
{
    mmio_write32(PRIORITY(UART_IRQ), 1);
    uart_ier(2); /* transmit holding register empty: raises at once */
    printf_("pending after THRE enabled -> %x\n", mmio_read32(PENDING0));
    printf_("mip.MEIP not enabled -> %d\n", (int)((csr_read(mip) & MIP_MEIP) != 0));
    mmio_write32(ENABLE(0), 1u << UART_IRQ);
    /* A threshold write: QEMU 7.2 re-evaluates its outputs on it, not on an enable write (ftvm on both). */
    mmio_write32(THRESHOLD(0), 0);
    printf_("mip.MEIP enabled -> %d\n", (int)((csr_read(mip) & MIP_MEIP) != 0));
    mmio_write32(THRESHOLD(0), 1);
    printf_("mip.MEIP threshold 1 -> %d claim %x\n", (int)((csr_read(mip) & MIP_MEIP) != 0),
            mmio_read32(CLAIM(0)));
    mmio_write32(THRESHOLD(0), 0);
    uint32_t id = mmio_read32(CLAIM(0));
    uart_ier(0); /* silenced before printing: each transmitted byte would raise transmit-empty again */
    printf_("claim -> %d, mip.MEIP %d, pending %x\n", (int)id, (int)((csr_read(mip) & MIP_MEIP) != 0),
            mmio_read32(PENDING0));
    mmio_write32(CLAIM(0), id);
    printf_("completed, line low: mip.MEIP %d pending %x\n", (int)((csr_read(mip) & MIP_MEIP) != 0),
            mmio_read32(PENDING0));
    mmio_write32(ENABLE(0), 0);
    mmio_write32(ENABLE(1), 1u << UART_IRQ);
    uart_ier(2);
    printf_("context 1: mip.SEIP %d mip.MEIP %d\n", (int)((csr_read(mip) & MIP_SEIP) != 0),
            (int)((csr_read(mip) & MIP_MEIP) != 0));
    id = mmio_read32(CLAIM(1));
    uart_ier(0);
    mmio_write32(CLAIM(1), id);
    printf_("context 1 claim -> %d, mip.SEIP %d\n", (int)id, (int)((csr_read(mip) & MIP_SEIP) != 0));
    mmio_write32(ENABLE(1), 0);
}

static void trapped(void)
{
    csr_write(mtvec, (uint64_t)handler);
    mmio_write32(ENABLE(0), 1u << UART_IRQ);
    csr_set(mie, MIP_MEIP);
    csr_set(mstatus, 1UL << 3);
    uart_ier(2);
    for (int i = 0; i < 1000 && trap_cause == 0; i++) {
        __asm__ volatile("nop");
    }
    csr_clear(mstatus, 1UL << 3);
    printf_("trap: mcause %lx claim %d, afterwards mip.MEIP %d\n", trap_cause, (int)trap_claim,
            (int)((csr_read(mip) & MIP_MEIP) != 0));
}

int main(void)
{
    puts_("plic\n");
    registers();
    polled();
    trapped();
    return 0;
}
