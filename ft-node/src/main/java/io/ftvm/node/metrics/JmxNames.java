package io.ftvm.node.metrics;

import com.codahale.metrics.jmx.ObjectNameFactory;
import java.util.Hashtable;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * JMX names for ftvm's labelled metric names ({@code base{k=v,...}}, see {@link RegistryCollector}): the base becomes
 * the {@code name} key and every label a key of its own, so JMX tools list {@code io.ftvm:name=ftvm_log_bytes_total,
 * type=gauges,vm=kv} rather than one opaque quoted string. Values with characters JMX reserves are quoted; a label
 * that clashes with {@code name} or {@code type} is prefixed with {@code label_}.
 */
public final class JmxNames implements ObjectNameFactory {
    @Override
    public ObjectName createName(String type, String domain, String name) {
        RegistryCollector.Name n = RegistryCollector.Name.parse(name);
        Hashtable<String, String> keys = new Hashtable<>();
        keys.put("name", value(n.base()));
        keys.put("type", value(type));
        for (int i = 0; i < n.labelNames().size(); i++) {
            String k = n.labelNames().get(i);
            keys.put(keys.containsKey(k) ? "label_" + k : k, value(n.labelValues().get(i)));
        }
        try {
            return new ObjectName(domain, keys);
        } catch (MalformedObjectNameException e) {
            try {
                return new ObjectName(domain, "name", ObjectName.quote(name));
            } catch (MalformedObjectNameException again) {
                throw new IllegalArgumentException("no JMX name for metric " + name, again);
            }
        }
    }

    /** The value as is when JMX allows it unquoted, quoted otherwise. */
    private static String value(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == ',' || c == '=' || c == ':' || c == '"' || c == '*' || c == '?' || c == '\n' || c == '\\') {
                return ObjectName.quote(v);
            }
        }
        return v.isEmpty() ? ObjectName.quote(v) : v;
    }
}
