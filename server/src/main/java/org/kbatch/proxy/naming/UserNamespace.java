package org.kbatch.proxy.naming;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The Kubernetes namespace a JupyterHub user's jobs run in, computed exactly as the Python reference does, so that
 * existing deployments keep their namespaces:
 * <ol>
 *   <li>lower-case the username;</li>
 *   <li>replace each run of characters outside {@code [a-z0-9]} with one {@code -};</li>
 *   <li>keep the first 40 characters and strip {@code -} from both ends;</li>
 *   <li>if that differs from the username, append {@code --} and the first 7 hex digits of the SHA-256 of the
 *       username's UTF-8 bytes (so distinct usernames that collapse to the same text stay apart);</li>
 *   <li>prefix {@code kbatch-}.</li>
 * </ol>
 * The result is always a valid DNS-1123 label: it starts with {@code k}, holds only {@code [a-z0-9-]}, ends with a
 * letter or digit (the stripped safe part or the hash) and is at most 7 + 40 + 2 + 7 = 56 characters long. When
 * nothing safe is left (a username of only Unicode or punctuation, e.g. {@code ü}) the reference's rule already gives
 * {@code kbatch---<hash>}, which is valid; the one case the reference gets wrong is the empty username (it would
 * give {@code kbatch-}), so the hash is appended whenever the safe part is empty.
 */
public final class UserNamespace {

    /** What every user namespace starts with. */
    public static final String PREFIX = "kbatch-";

    private static final Pattern UNSAFE_RUNS = Pattern.compile("[^a-z0-9]+");
    private static final int MAX_SAFE_LENGTH = 40;
    private static final int HASH_LENGTH = 7;

    private UserNamespace() {
    }

    /** The namespace for {@code username}. */
    public static String of(String username) {
        return PREFIX + safePart(username);
    }

    /**
     * The namespace without its {@code kbatch-} prefix: {@code [a-z0-9-]}, at most 49 characters, ending with a
     * letter or digit. It begins with {@code --} only when no safe character is left of the username.
     */
    public static String safePart(String username) {
        String safe = UNSAFE_RUNS.matcher(username.toLowerCase(Locale.ROOT)).replaceAll("-");
        safe = stripDashes(safe.substring(0, Math.min(safe.length(), MAX_SAFE_LENGTH)));
        if (!safe.equals(username) || safe.isEmpty()) {
            safe = safe + "--" + sha256Hex(username).substring(0, HASH_LENGTH);
        }
        return safe;
    }

    private static String stripDashes(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) == '-') {
            start++;
        }
        while (end > start && s.charAt(end - 1) == '-') {
            end--;
        }
        return s.substring(start, end);
    }

    private static String sha256Hex(String s) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
