package io.ftvm.chaos.cluster;

/**
 * Network faults between hosts (numbered from 1) and between hosts and ZooKeeper. Rules add up until healed; the
 * harness's own traffic (clients, health checks) is cut by none of them, only thinned by {@link #dropRandomly}.
 */
public interface Firewall {
    /** Drops every packet between hosts {@code a} and {@code b}, both ways (also through the relays). */
    void cut(int a, int b);

    /** Drops every packet between host {@code a} and every ZooKeeper server, both ways. */
    void cutFromZooKeeper(int a);

    /** Drops each packet into or out of host {@code a} with probability {@code probability} (0 < p < 1). */
    void dropRandomly(int a, double probability);

    /** Removes every rule of host {@code a}. */
    void heal(int a);

    /** Removes every rule of every host. */
    void healAll();
}
