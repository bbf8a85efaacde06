package org.kbatch.proxy.naming;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A JupyterHub username as Zero-to-JupyterHub's KubeSpawner writes it into object names, so that a job template can
 * name what the hub made for the user (their home PVC {@code claim-...}):
 * <ul>
 *   <li>{@link #escaped}: KubeSpawner's {@code {escaped_username}}, its only scheme before version 7 and the one its
 *       PVCs of that time carry: every character outside {@code [a-z0-9]} becomes {@code -} and the upper-case hex of
 *       each of its UTF-8 bytes (escapism's {@code %X}, so a byte below 16 gives one digit), then the whole is
 *       lower-cased: {@code Alice.Smith} gives {@code -41lice-2e-53mith};</li>
 *   <li>{@link #safe}: KubeSpawner 7's {@code {safe_username}} (its default {@code slug_scheme="safe"}, at most 48
 *       characters): the name itself when it is already a valid DNS label without {@code --}, else the lower-cased
 *       name with runs of other characters as one {@code -}, cut to fit, then {@code ---} and 8 hex digits of its
 *       SHA-256.</li>
 * </ul>
 */
public final class KubeSpawnerNames {

    private static final Pattern OBJECT_NAME = Pattern.compile("[a-z][a-z0-9-]*[a-z0-9]|[a-z]");
    private static final Pattern NON_ALPHANUMERIC = Pattern.compile("[^a-z0-9]+");
    private static final int SAFE_MAX_LENGTH = 48;
    private static final int HASH_LENGTH = 8;

    private KubeSpawnerNames() {
    }

    /** KubeSpawner's {@code escape_slug}: {@code escapism.escape(name, safe=[a-z0-9], escape_char="-").lower()}. */
    public static String escaped(String username) {
        StringBuilder out = new StringBuilder();
        username.codePoints().forEach(cp -> {
            if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
                out.appendCodePoint(cp);
            } else {
                for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                    out.append('-').append(Integer.toHexString(b & 0xff).toUpperCase(Locale.ROOT));
                }
            }
        });
        return out.toString().toLowerCase(Locale.ROOT);
    }

    /** KubeSpawner's {@code safe_slug(name, max_length=48)}. */
    public static String safe(String username) {
        if (!username.contains("--") && username.length() <= SAFE_MAX_LENGTH && username.length() <= 63
                && OBJECT_NAME.matcher(username).matches()) {
            return username;
        }
        int nameLength = SAFE_MAX_LENGTH - (HASH_LENGTH + 3);
        return safeName(username, nameLength) + "---" + sha256Hex(username).substring(0, HASH_LENGTH);
    }

    /** KubeSpawner's {@code _extract_safe_name}: starts with a letter, no {@code --}, never empty. */
    private static String safeName(String name, int maxLength) {
        String safe = NON_ALPHANUMERIC.matcher(name.toLowerCase(Locale.ROOT)).replaceAll("-");
        safe = safe.replaceFirst("^-+", "");
        safe = safe.substring(0, Math.min(safe.length(), maxLength)).replaceFirst("-+$", "");
        if (!safe.isEmpty() && !(safe.charAt(0) >= 'a' && safe.charAt(0) <= 'z')) {
            safe = "x-" + safe.substring(0, Math.min(safe.length(), maxLength - 2));
        }
        return safe.isEmpty() ? "x" : safe;
    }

    private static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
