/**
 * One chaos run end to end ({@link io.ftvm.chaos.run.ChaosRun}: start the cluster and the VMs, run the workload under
 * faults, heal, stop, check) with its {@link io.ftvm.chaos.run.ChaosOptions}, its
 * {@link io.ftvm.chaos.run.Summary}, and {@link io.ftvm.chaos.run.ChaosMain}, the command line behind
 * {@code chaos-tests/run}.
 */
package io.ftvm.chaos.run;
