package org.kbatch.proxy.config;

import java.util.Locale;
import java.util.Optional;

/** The boolean spellings the Python reference (pydantic) accepts, for settings and query parameters alike. */
public final class PydanticBoolean {

    private PydanticBoolean() {
    }

    /** {@code true}/{@code false}, {@code 1}/{@code 0}, {@code yes}/{@code no}, {@code on}/{@code off},
     * {@code t}/{@code f}, {@code y}/{@code n}, any case; empty for anything else. */
    public static Optional<Boolean> parse(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "1", "true", "t", "yes", "y", "on" -> Optional.of(true);
            case "0", "false", "f", "no", "n", "off" -> Optional.of(false);
            default -> Optional.empty();
        };
    }
}
