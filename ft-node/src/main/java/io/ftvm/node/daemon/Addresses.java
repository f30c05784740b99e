package io.ftvm.node.daemon;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The syntax of the addresses ftd's config names: host names, IPv4 and IPv6 literals, and ZooKeeper connect strings.
 * Nothing here looks a name up (that is {@link NodeConfigLoader#checkHost}'s job); every method answers the problem
 * in words, or null when there is none.
 */
final class Addresses {
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern DOTTED_DIGITS = Pattern.compile("[0-9.]+");
    private static final Pattern CHROOT = Pattern.compile("(/[A-Za-z0-9._-]+)+");
    /** A connect string longer than this is not a ZooKeeper ensemble but a mistake. */
    static final int MAX_CONNECT_STRING = 2048;

    /** One {@code host:port} of a connect string ({@code port} is 2181 when the string leaves it out). */
    record HostPort(String host, int port) {
    }

    private Addresses() {
    }

    /** Why {@code host} is not a host name, IPv4 or IPv6 literal (bare, without brackets), or null. */
    static String hostProblem(String host) {
        if (host == null || host.isEmpty()) {
            return "empty";
        }
        if (host.length() > 253) {
            return "longer than 253 characters";
        }
        if (host.indexOf(':') >= 0) {
            return ipv6Problem(host);
        }
        if (DOTTED_DIGITS.matcher(host).matches()) {
            return ipv4Problem(host);
        }
        String[] labels = host.split("\\.", -1);
        for (String l : labels) {
            if (!LABEL.matcher(l).matches()) {
                return "not a host name (dot-separated labels of letters, digits and '-')";
            }
        }
        if (labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
            return "not a host name (it ends in a number) nor an IPv4 address";
        }
        return null;
    }

    private static String ipv4Problem(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return "not an IPv4 address (four numbers 0-255 separated by dots)";
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || Integer.parseInt(p) > 255) {
                return "not an IPv4 address (four numbers 0-255 separated by dots)";
            }
        }
        return null;
    }

    private static String ipv6Problem(String host) {
        if (!host.matches("[0-9A-Fa-f:.]{2,45}")) {
            return "not an IPv6 address";
        }
        try {
            InetAddress.getByName(host); // a literal with ':' is parsed, never looked up
            return null;
        } catch (UnknownHostException e) {
            return "not an IPv6 address";
        }
    }

    /** True for 0.0.0.0 and :: (every interface), which other hosts cannot use to reach this one. */
    static boolean isWildcard(String host) {
        if (hostProblem(host) != null || !(host.indexOf(':') >= 0 || DOTTED_DIGITS.matcher(host).matches())) {
            return false;
        }
        try {
            return InetAddress.getByName(host).isAnyLocalAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * The servers of a ZooKeeper connect string {@code host[:port][,host[:port]...][/chroot]} (IPv6 literals in
     * brackets).
     *
     * @throws IllegalArgumentException naming the first problem
     */
    static List<HostPort> connectString(String s) {
        if (s.length() > MAX_CONNECT_STRING) {
            throw new IllegalArgumentException("longer than " + MAX_CONNECT_STRING + " characters");
        }
        int slash = s.indexOf('/');
        String servers = slash < 0 ? s : s.substring(0, slash);
        if (slash >= 0 && !CHROOT.matcher(s.substring(slash)).matches()) {
            throw new IllegalArgumentException("the chroot after '/' must be a path of letters, digits, '.', '_', '-'");
        }
        List<HostPort> out = new ArrayList<>();
        for (String server : servers.split(",", -1)) {
            String hostPart = server;
            String portPart = null;
            if (server.startsWith("[")) {
                int close = server.indexOf(']');
                if (close < 0) {
                    throw new IllegalArgumentException("'" + server + "' opens '[' without ']'");
                }
                hostPart = server.substring(1, close);
                String rest = server.substring(close + 1);
                if (!rest.isEmpty() && !rest.startsWith(":")) {
                    throw new IllegalArgumentException("'" + server + "' has text after ']' that is not ':port'");
                }
                portPart = rest.isEmpty() ? null : rest.substring(1);
            } else if (server.indexOf(':') >= 0) {
                int colon = server.lastIndexOf(':');
                hostPart = server.substring(0, colon);
                portPart = server.substring(colon + 1);
                if (hostPart.indexOf(':') >= 0) {
                    throw new IllegalArgumentException("'" + server + "': put an IPv6 address in brackets, "
                            + "[addr]:port");
                }
            }
            String problem = hostProblem(hostPart);
            if (problem != null) {
                throw new IllegalArgumentException("host '" + hostPart + "' is " + problem);
            }
            int port = 2181;
            if (portPart != null) {
                if (!portPart.matches("[0-9]{1,5}") || Integer.parseInt(portPart) < 1
                        || Integer.parseInt(portPart) > 65535) {
                    throw new IllegalArgumentException("port '" + portPart + "' of " + hostPart
                            + " is not 1-65535");
                }
                port = Integer.parseInt(portPart);
            }
            out.add(new HostPort(hostPart, port));
        }
        return out;
    }
}
