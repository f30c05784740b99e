/* Boot code shared by every guest: hart 0 only, M-mode, bare metal.
 * Sets up the stack and global pointer, clears .bss, calls main() and
 * reports main's return value through the SiFive test finisher. */
    .section .text.start, "ax"
    .globl _start
_start:
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    la      sp, __stack_top
    csrw    mtvec, zero
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:  call    main
    call    guest_exit
3:  j       3b
