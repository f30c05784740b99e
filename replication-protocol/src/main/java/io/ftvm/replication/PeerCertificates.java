package io.ftvm.replication;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The host names a connection's peer proved with its TLS certificate: the common name and the DNS names of the
 * subject alternative names of its leaf certificate (which the cluster CA signed: the TLS handshake checked that).
 * ftvm's host certificates carry the host id as common name.
 */
public final class PeerCertificates {
    private PeerCertificates() {
    }

    /**
     * The names the peer of {@code ch} proved, or null when the connection has no TLS. An empty set when TLS is on
     * but the peer showed no usable certificate (nothing then matches a host).
     */
    public static Set<String> names(Channel ch) {
        SslHandler ssl = ch.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return null;
        }
        Set<String> names = new TreeSet<>();
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            if (chain.length > 0 && chain[0] instanceof X509Certificate leaf) {
                names.addAll(names(leaf));
            }
        } catch (SSLPeerUnverifiedException e) {
            // no certificate: no names
        }
        return names;
    }

    /** The common name(s) and DNS subject alternative names of {@code cert}. */
    public static Set<String> names(X509Certificate cert) {
        Set<String> names = new TreeSet<>();
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    names.add(rdn.getValue().toString());
                }
            }
        } catch (InvalidNameException e) {
            // an unparsable subject names nobody
        }
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() >= 2 && Integer.valueOf(2).equals(san.get(0)) && san.get(1) instanceof String s) {
                        names.add(s); // 2 = dNSName
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // unparsable alternative names name nobody
        }
        return names;
    }
}
