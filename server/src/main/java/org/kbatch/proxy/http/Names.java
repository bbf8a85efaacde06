package org.kbatch.proxy.http;

import java.util.Optional;

import org.kbatch.proxy.config.PydanticBoolean;
import org.kbatch.proxy.errors.ApiException;
import org.kbatch.proxy.naming.KubernetesNames;

/**
 * Checks the names and flags that arrive in paths and queries before they reach a Kubernetes call: an object name
 * must be a DNS-1123 subdomain (so no {@code /}, {@code ..}, selector syntax or overlong names get through).
 */
public final class Names {

    private Names() {
    }

    /** The name, if it can name a Kubernetes object; else a 422 naming what was wrong. */
    public static String objectName(String what, String name) {
        if (name == null || name.isEmpty() || name.length() > KubernetesNames.MAX_SUBDOMAIN
                || !KubernetesNames.hasSubdomainSyntax(name)) {
            throw new ApiException(422, "Invalid " + what + " name '" + printable(name)
                    + "': must be lower-case letters, digits, '-' and '.', start and end with a letter or digit,"
                    + " at most 253 characters");
        }
        return name;
    }

    /** The boolean spellings the reference (pydantic) accepts; anything else is a 422. */
    public static boolean flag(String parameter, Optional<String> value) {
        if (value.isEmpty()) {
            return false;
        }
        return PydanticBoolean.parse(value.get()).orElseThrow(() -> new ApiException(422, "Query parameter '"
                + parameter + "' must be a boolean (true or false), got '" + printable(value.get()) + "'"));
    }

    /** A whole number of at least {@code min}, or {@code null} when absent or empty; anything else is a 422. */
    public static Long wholeNumber(String parameter, Optional<String> raw, long min) {
        if (raw.isEmpty() || raw.get().isEmpty()) {
            return null;
        }
        try {
            long value = Long.parseLong(raw.get());
            if (value >= min) {
                return value;
            }
        } catch (NumberFormatException e) {
            // Said below, in our words.
        }
        throw new ApiException(422, "Query parameter '" + parameter + "' must be a whole number of at least " + min
                + ", got '" + printable(raw.get()) + "'");
    }

    private static String printable(String s) {
        if (s == null) {
            return "";
        }
        String shown = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }
}
