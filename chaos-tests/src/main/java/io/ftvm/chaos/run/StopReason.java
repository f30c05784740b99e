package io.ftvm.chaos.run;

/**
 * Why a run ended before its duration or kill budget: the signal that asked it to.
 *
 * @param name     {@code SIGINT}, {@code SIGTERM}
 * @param exitCode what the harness exits with when the run was otherwise clean (128 + the signal's number, as a shell
 *                 reports a process a signal ended)
 */
public record StopReason(String name, int exitCode) {
}
