/**
 * The history of a run as JSON lines ({@code history.jsonl}): one {@link io.ftvm.chaos.history.HistoryEvent} per
 * line — operations invoked and completed, every output chunk each client received with its offset, faults,
 * takeovers, metric scrapes. Written by the workers and nemeses while the run goes, read back by the checker; it
 * knows nothing of either.
 */
package io.ftvm.chaos.history;
