package io.ftvm.chaos.cluster;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Every process on loopback: hosts listen on 127.0.0.1 and advertise {@value #ADVERTISED} (Linux routes all of 127/8
 * to lo), where their relays listen; ZooKeeper on 127.0.0.1. Latency can be injected at the relays; partitions and
 * packet loss cannot (relayed traffic all comes from one address).
 */
public final class LoopbackTopology implements Topology {
    /** The address every host advertises. */
    public static final String ADVERTISED = "127.0.0.2";
    private static final String BIND = "127.0.0.1";

    @Override
    public String name() {
        return "loopback";
    }

    @Override
    public String bindAddress(int host) {
        return BIND;
    }

    @Override
    public String advertiseAddress(int host) {
        return ADVERTISED;
    }

    /** Every host advertises the same address; a relay on it forwards to the same port of 127.0.0.1, any host's. */
    @Override
    public OptionalInt hostAdvertisedAt(String address) {
        return ADVERTISED.equals(address) ? OptionalInt.of(1) : OptionalInt.empty();
    }

    @Override
    public List<String> launcher(int host) {
        return List.of();
    }

    @Override
    public String zookeeperAddress(int server) {
        return BIND;
    }

    @Override
    public InetAddress relaySource(InetAddress peer) {
        return null;
    }

    @Override
    public Optional<Firewall> firewall() {
        return Optional.empty();
    }

    @Override
    public void close() {
        // nothing was built
    }
}
