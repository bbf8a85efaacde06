package org.kbatch.proxy.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.kbatch.proxy.errors.ApiException;
import org.kbatch.proxy.metrics.ProxyMetrics;

/**
 * Turns an {@code Authorization} header into the hub user it belongs to, or a 401/403/503 {@link ApiException}.
 * The hub's answers (including "unknown token") are cached for 60 seconds, keyed by the SHA-256 of the token so the
 * token itself is never held in the cache; while the hub is down, tokens it answered for recently keep working.
 */
public final class TokenAuthenticator {

    public static final Duration CACHE_TTL = Duration.ofSeconds(60);
    private static final String INCORRECT_TOKEN = "Incorrect token";

    private final Function<String, Optional<HubUser>> hub;
    private final ScopePolicy scopes;
    private final ProxyMetrics metrics;
    private final Cache<String, Optional<HubUser>> cache;

    public TokenAuthenticator(Function<String, Optional<HubUser>> hub, ScopePolicy scopes, ProxyMetrics metrics) {
        this(hub, scopes, metrics, CACHE_TTL);
    }

    TokenAuthenticator(Function<String, Optional<HubUser>> hub, ScopePolicy scopes, ProxyMetrics metrics,
                       Duration ttl) {
        this.hub = hub;
        this.scopes = scopes;
        this.metrics = metrics;
        this.cache = Caffeine.newBuilder()
                .expireAfterWrite(ttl)
                .maximumSize(100_000)
                .build();
    }

    /** The token's user, if the header carries a known token with the service's access scope. */
    public Authenticated authenticate(String authorizationHeader) {
        String token = token(authorizationHeader)
                .orElseThrow(() -> new ApiException(401, INCORRECT_TOKEN));
        // Caffeine computes once per key even under concurrent first requests; a HubUnavailableException
        // propagates and caches nothing.
        String key = hash(token);
        Optional<HubUser> user = cache.getIfPresent(key);
        metrics.tokenCache(user != null);
        if (user == null) {
            user = cache.get(key, k -> lookUp(token));
        }
        HubUser found = user.orElseThrow(() -> new ApiException(401, INCORRECT_TOKEN));
        if (!scopes.allows(found.scopes())) {
            throw new ApiException(403, scopes.refusal(found.scopes()));
        }
        return new Authenticated(found, token);
    }

    private Optional<HubUser> lookUp(String token) {
        try {
            Optional<HubUser> user = hub.apply(token);
            metrics.hubLookup(user.isPresent() ? "user" : "unknown");
            return user;
        } catch (HubUnavailableException e) {
            metrics.hubLookup("unavailable");
            throw e;
        }
    }

    /** {@code token X} or {@code Bearer X}, scheme case-insensitive. */
    static Optional<String> token(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String[] parts = header.strip().split("\\s+", 2);
        if (parts.length != 2) {
            return Optional.empty();
        }
        String scheme = parts[0].toLowerCase(Locale.ROOT);
        if (!scheme.equals("token") && !scheme.equals("bearer")) {
            return Optional.empty();
        }
        String token = parts[1].strip();
        return token.isEmpty() || token.chars().anyMatch(Character::isWhitespace) ? Optional.empty() : Optional.of(token);
    }

    private static String hash(String token) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An authenticated caller: the hub user and the token they came with (injected into their jobs). */
    public record Authenticated(HubUser user, String token) {
        @Override
        public String toString() {
            return "Authenticated[user=" + user.name() + "]";
        }
    }
}
