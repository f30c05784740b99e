/* Self-checking helpers shared by the conformance guests: results are printed (so the
 * differential test can compare them with QEMU byte for byte), appended to the signature
 * region, and checked against values the specification fixes. */
#ifndef FTVM_CHECK_H
#define FTVM_CHECK_H

#include "guest.h"

/* Forces 32-bit encodings for the instruction(s) under test. */
#define NORVC(s) ".option push\n.option norvc\n" s "\n.option pop\n"

/* Number of failed checks so far; main() returns it so a failure is also an exit code. */
extern int fails;

/* Prints a FAIL line and counts it when got != want. */
void check(const char *what, uint64_t got, uint64_t want);

/* Prints "what -> value" and appends the value to the signature. */
void out(const char *what, uint64_t v);

/* Appends a 64-bit value to the signature as two words, low half first. */
void sig_dword(uint64_t v);

#endif
