package io.ftvm.chaos.cluster;

import java.util.List;
import java.util.Locale;

/**
 * {@link Firewall} over a {@link NamespaceNetwork}: rules go into the chains that INPUT and OUTPUT of the hosts'
 * namespaces jump to, and only match traffic on the namespace's {@code eth0} (a host talking to itself is never
 * touched). A cut between hosts a and b drops, in each of the two namespaces, everything to and from the other's
 * own, advertised (relay) and relay-source addresses: a connection is cut both ways, whichever way it was opened and
 * whether it is relayed or not.
 */
final class NamespaceFirewall implements Firewall {
    private final NamespaceNetwork net;

    NamespaceFirewall(NamespaceNetwork net) {
        this.net = net;
    }

    @Override
    public void cut(int a, int b) {
        if (a == b) {
            throw new IllegalArgumentException("cannot cut host " + a + " from itself");
        }
        block(a, b);
        block(b, a);
    }

    /**
     * In host {@code a}'s namespace: nothing to or from {@code b} itself, its relays ({@code a} connected to them)
     * and the relay-source address of {@code b}'s connections ({@code b} connected to {@code a} through a relay): so
     * both directions of a relayed connection stop, whoever opened it.
     */
    private void block(int a, int b) {
        for (int part = 0; part <= 2; part++) {
            dropOut(a, "-d", net.address(part, b));
            dropIn(a, "-s", net.address(part, b));
        }
    }

    @Override
    public void cutFromZooKeeper(int a) {
        dropOut(a, "-d", net.zookeeperRange());
        dropIn(a, "-s", net.zookeeperRange());
    }

    @Override
    public void dropRandomly(int a, double probability) {
        if (!(probability > 0 && probability < 1)) {
            throw new IllegalArgumentException("loss probability " + probability + " (must be in (0, 1))");
        }
        String p = String.format(Locale.ROOT, "%.4f", probability);
        List<String> random = List.of("-m", "statistic", "--mode", "random", "--probability", p);
        append(a, NamespaceNetwork.CHAIN_IN, "-i", random);
        append(a, NamespaceNetwork.CHAIN_OUT, "-o", random);
    }

    private void dropIn(int host, String flag, String address) {
        append(host, NamespaceNetwork.CHAIN_IN, "-i", List.of(flag, address));
    }

    private void dropOut(int host, String flag, String address) {
        append(host, NamespaceNetwork.CHAIN_OUT, "-o", List.of(flag, address));
    }

    private void append(int host, String chain, String interfaceFlag, List<String> match) {
        List<String> c = new java.util.ArrayList<>(List.of(net.iptables(), "-w", Shell.IPTABLES_WAIT_SECONDS, "-A",
                chain, interfaceFlag, "eth0"));
        c.addAll(match);
        c.addAll(List.of("-j", "DROP"));
        net.inNamespace(host, c);
    }

    @Override
    public void heal(int a) {
        for (String chain : List.of(NamespaceNetwork.CHAIN_IN, NamespaceNetwork.CHAIN_OUT)) {
            net.inNamespace(a, List.of(net.iptables(), "-w", Shell.IPTABLES_WAIT_SECONDS, "-F", chain));
        }
    }

    @Override
    public void healAll() {
        NetworkSetupException first = null;
        for (int i = 1; i <= net.hosts(); i++) {
            try {
                heal(i);
            } catch (NetworkSetupException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
