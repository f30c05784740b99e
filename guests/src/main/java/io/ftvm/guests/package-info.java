/**
 * Guest programs for ftvm: C sources, the shared bare-metal runtime and linker script live beside this module's
 * Maven sources ({@code guests/src/*.c}, {@code guests/common/}); {@code guests/Makefile} builds them with Debian's
 * bare-metal RISC-V toolchain into {@code guests/images/}, which is committed and packaged here as classpath
 * resources. Knows nothing of the VMM.
 */
package io.ftvm.guests;
