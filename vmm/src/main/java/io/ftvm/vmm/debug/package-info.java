/**
 * Replay debugging: {@link io.ftvm.vmm.debug.ReplaySession} moves a replay to any instruction of its recording,
 * forwards and backwards (checkpoints with dirty-page deltas, thinned geometrically), stopping at breakpoints and
 * watchpoints; {@link io.ftvm.vmm.debug.DebugServer} serves it to GDB over the remote serial protocol
 * ({@code ftvm debug}).
 */
package io.ftvm.vmm.debug;
