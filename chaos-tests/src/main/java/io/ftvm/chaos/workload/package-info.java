/**
 * Clients of the kvstore guests, as a user would run them: per VM one {@link io.ftvm.chaos.workload.KvWorker}
 * (the only writer: sends one command at a time through a {@link io.ftvm.replication.console.ConsoleClient} and
 * waits for its answer) and one {@link io.ftvm.chaos.workload.OutputObserver} (a second client that only reads).
 * Both record every output byte with its offset and every operation with its invocation, completion and answer in
 * the history. They know nothing of faults; they only keep going through them.
 */
package io.ftvm.chaos.workload;
