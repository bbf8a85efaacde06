package org.kbatch.proxy.naming;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The value of the {@code kbatch.jupyter.org/username} label for a JupyterHub user.
 *
 * <p>The reference escapes the username the way {@code escapism.escape(name, safe=[a-z0-9], escape_char="-")} does:
 * every character outside {@code [a-z0-9]} becomes, for each byte of its UTF-8 form, {@code -} followed by the
 * byte in upper-case hex ({@code jane.doe} becomes {@code jane-2Edoe}). Like escapism ({@code '%X'}) the hex is not
 * zero-padded, which only matters for control characters below 0x10; every printable character gives two digits.
 * Ordinary names therefore keep the label that existing deployments already carry.
 *
 * <p>The reference stops there and so produces invalid label values for many real usernames (a leading capital
 * gives a leading {@code -}; long names exceed 63 characters) and the API server rejects the submission. When the
 * escaped form is not a valid label value we use the user's namespace without its {@code kbatch-} prefix instead
 * (with leading dashes removed, which only happens when no safe character is left of the username and leaves the
 * hash), which always is one.
 */
public final class UsernameLabel {

    /** The label (and annotation) key kbatch puts on everything it creates for a user. */
    public static final String KEY = "kbatch.jupyter.org/username";

    private static final int MAX_LENGTH = 63;
    private static final Pattern VALID_VALUE = Pattern.compile("[A-Za-z0-9]([-_.A-Za-z0-9]*[A-Za-z0-9])?");

    private UsernameLabel() {
    }

    /** The label value for {@code username}: always a valid, non-empty Kubernetes label value. */
    public static String of(String username) {
        String escaped = escape(username);
        if (isValidValue(escaped)) {
            return escaped;
        }
        return UserNamespace.safePart(username).replaceFirst("^-+", "");
    }

    /** The reference's escaped form, valid as a label value or not. */
    public static String escape(String username) {
        StringBuilder out = new StringBuilder(username.length());
        username.codePoints().forEach(cp -> {
            if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
                out.append((char) cp);
            } else {
                for (byte b : Character.toString(cp).getBytes(StandardCharsets.UTF_8)) {
                    out.append('-').append(Integer.toHexString(b & 0xFF).toUpperCase(Locale.ROOT));
                }
            }
        });
        return out.toString();
    }

    /** Whether {@code value} is a non-empty valid label value: at most 63 characters, alphanumeric at both ends. */
    public static boolean isValidValue(String value) {
        return value.length() <= MAX_LENGTH && VALID_VALUE.matcher(value).matches();
    }
}
