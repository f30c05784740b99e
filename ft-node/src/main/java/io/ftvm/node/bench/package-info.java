/** Benchmarks of the protected VM ({@code bench/failover}). */
package io.ftvm.node.bench;
