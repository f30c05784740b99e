package io.ftvm.vmm.tool;

import java.util.Locale;
import picocli.CommandLine;

/** Parses sizes such as {@code 134217728}, {@code 64K}, {@code 128M}, {@code 128MiB}, {@code 1G}. */
final class SizeConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        String v = value.trim().toUpperCase(Locale.ROOT);
        if (v.endsWith("IB")) {
            v = v.substring(0, v.length() - 2);
        } else if (v.endsWith("B")) {
            v = v.substring(0, v.length() - 1);
        }
        long unit = 1;
        if (!v.isEmpty()) {
            switch (v.charAt(v.length() - 1)) {
                case 'K': unit = 1L << 10; break;
                case 'M': unit = 1L << 20; break;
                case 'G': unit = 1L << 30; break;
                default: break;
            }
        }
        if (unit != 1) {
            v = v.substring(0, v.length() - 1);
        }
        try {
            long n = Long.parseLong(v);
            if (n <= 0) {
                throw new CommandLine.TypeConversionException("size must be positive: '" + value + "'");
            }
            if (n > Long.MAX_VALUE / unit) {
                throw new CommandLine.TypeConversionException("size is too large: '" + value + "'");
            }
            return n * unit;
        } catch (NumberFormatException e) {
            if (v.chars().allMatch(Character::isDigit) && !v.isEmpty()) {
                throw new CommandLine.TypeConversionException("size is too large: '" + value + "'");
            }
            throw new CommandLine.TypeConversionException(
                    "'" + value + "' is not a size (examples: 134217728, 128M, 1G)");
        }
    }
}
