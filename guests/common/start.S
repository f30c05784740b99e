/* Boot code shared by every guest: hart 0 only, M-mode, bare metal.
 * Sets up the stack and global pointer, clears .bss, calls main() and
 * reports main's return value through the SiFive test finisher. Built for a hard-float ABI (lp64d), it
 * also turns the floating-point unit on before any compiled code runs. */
    .section .text.start, "ax"
    .globl _start
_start:
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    la      sp, __stack_top
    csrw    mtvec, zero
#ifdef __riscv_flen
    /* Built for a hard-float ABI: compiled code may save FP registers in any prologue, main's included. */
    li      t0, 1 << 13
    csrs    mstatus, t0     /* mstatus.FS = Initial */
    /* picolibc keeps errno in thread-local storage: one zeroed block (no .tdata to copy) for the one hart */
    la      tp, __tls_block
#endif
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:  call    main
    call    guest_exit
3:  j       3b

#ifdef __riscv_flen
    .section .bss.tls_block, "aw", @nobits
    .balign 64
__tls_block:
    .space  256
#endif
