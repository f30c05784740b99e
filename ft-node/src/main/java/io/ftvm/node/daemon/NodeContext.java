package io.ftvm.node.daemon;

import com.codahale.metrics.MetricRegistry;
import io.ftvm.backup.BackupSettings;
import io.ftvm.coordinator.EndpointDirectory;
import io.ftvm.coordinator.VmRecords;
import io.ftvm.primary.PrimarySettings;
import io.ftvm.vmm.replay.WallClock;
import java.util.function.Function;

/**
 * What every VM instance on a host shares: the host's identity and cluster, the VM records and the endpoint
 * directory, the role settings, the clock, the metrics, and how to find a host's console endpoint.
 *
 * @param consoleOf host id to its console endpoint ({@code host:port}), or null when the host is not live
 * @param advertiseAddress the address other hosts reach this one at
 * @param managing         true while this host acts as the cluster manager (it exports the VMs' recorded status)
 * @param machines         what this host boots for a VM spec (images, disk copies, the guest's NIC)
 */
record NodeContext(String hostId, String cluster, String advertiseAddress, VmRecords records,
        EndpointDirectory directory,
        PrimarySettings primarySettings, BackupSettings backupSettings, WallClock clock, MetricRegistry metrics,
        Function<String, String> consoleOf, java.util.function.BooleanSupplier managing, VmMachines machines,
        java.util.function.BooleanSupplier drained,
        Function<io.ftvm.coordinator.ReconcilePlanner.VmView, String> protectionCode) {
    /** {@code advertiseAddress:port}. */
    String advertise(int port) {
        return advertiseAddress + ":" + port;
    }
}
