/**
 * The checker: reads a history (and the hosts' logs) and names every anomaly. {@link
 * io.ftvm.chaos.check.HistoryChecker} checks operations against {@link io.ftvm.chaos.check.KvModel} and the output
 * streams against each other and against a {@link io.ftvm.chaos.check.ReferenceOutput} run of the same input;
 * {@link io.ftvm.chaos.check.HostLogCheck} checks epochs and digest verdicts in the ftd logs. It knows nothing of
 * how the history was made.
 */
package io.ftvm.chaos.check;
