package org.kbatch.proxy.wire;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Kubernetes JSON property names as the Python client spells its attributes (and so its {@code to_dict()} keys).
 *
 * <p>The Python client was generated with openapi-generator 4.x, whose {@code underscore} splits a run of capitals
 * before a capitalised word ({@code podIPs} → {@code pod_i_ps}), then every lower-to-upper boundary
 * ({@code hostIPC} → {@code host_ipc}, {@code fsGroup} → {@code fs_group}), and lower-cases the result. Names that are
 * Python reserved words get a leading underscore ({@code continue} → {@code _continue}, {@code exec} → {@code _exec}).
 */
final class PythonNames {

    private static final Pattern CAPITALS_BEFORE_WORD = Pattern.compile("([A-Z]+)([A-Z][a-z])");
    private static final Pattern LOWER_BEFORE_UPPER = Pattern.compile("([a-z\\d])([A-Z])");

    /** The generator's reserved words: Python's keywords (including Python 2's {@code exec}, {@code print}) and its own. */
    private static final Set<String> RESERVED = Set.of(
            "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif", "else",
            "except", "exec", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
            "not", "or", "pass", "print", "raise", "return", "try", "while", "with", "yield", "self", "property");

    private PythonNames() {
    }

    /** The Python attribute name for a Kubernetes (camelCase) JSON property name. */
    static String of(String jsonName) {
        String name = CAPITALS_BEFORE_WORD.matcher(jsonName).replaceAll("$1_$2");
        name = LOWER_BEFORE_UPPER.matcher(name).replaceAll("$1_$2");
        name = name.replace('-', '_').toLowerCase(Locale.ROOT);
        return RESERVED.contains(name) ? "_" + name : name;
    }
}
