package io.ftvm.chaos.cluster;

import java.net.InetAddress;
import java.util.List;
import java.util.OptionalInt;

/**
 * Where the processes of a run live on the network: the address each ftd host listens on and the one it advertises
 * (where its relays listen, in the harness), how a host's processes are launched, and where the ZooKeeper servers
 * listen. Hosts are numbered from 1. Two kinds: {@link LoopbackTopology} (everything on loopback, no network faults)
 * and {@link NamespaceNetwork} (each host in its own network namespace, partitions and loss with iptables).
 */
public interface Topology extends AutoCloseable {
    /** {@code loopback} or {@code netns}: what the summary and the history say. */
    String name();

    /** The address host {@code host}'s ftd binds its console, admin and replication endpoints to. */
    String bindAddress(int host);

    /** The address host {@code host} advertises: its relays listen there and forward to {@link #bindAddress}. */
    String advertiseAddress(int host);

    /** The host whose {@link #advertiseAddress} this is, if it is one. */
    OptionalInt hostAdvertisedAt(String address);

    /** The words put before a host's command line so it runs in that host's place ({@code ip netns exec ...}). */
    List<String> launcher(int host);

    /** The address ZooKeeper server {@code server} (1-3) listens on, for clients and for its peers. */
    String zookeeperAddress(int server);

    /**
     * The source address a relay uses when it forwards a connection that came from {@code peer} (so the receiving
     * host can tell, and a firewall can cut, relayed traffic by its origin); null for any.
     */
    InetAddress relaySource(InetAddress peer);

    /** Network faults, when this topology can inject them. */
    java.util.Optional<Firewall> firewall();

    /** Tears down whatever was built (processes in it must be gone first). Never throws. */
    @Override
    void close();
}
