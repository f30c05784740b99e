/**
 * ftd's metrics: the per-VM gauges read from a host's roles at scrape time ({@code VmGauges}) and the exposition of
 * the Dropwizard registry as labelled Prometheus families ({@code RegistryCollector}). Names follow
 * {@code base{label=value,...}} (see {@code io.ftvm.primary.VmMetrics}); the metric list is in
 * {@code docs/operations.md}. Nothing here changes a role.
 */
package io.ftvm.node.metrics;
