package org.kbatch.proxy.auth;

import java.util.List;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import org.kbatch.proxy.errors.ApiException;
import org.kbatch.proxy.auth.TokenAuthenticator.Authenticated;

/**
 * The token check in front of the API routes ({@code authorized}, {@code jobs}, {@code cronjobs}, {@code pods} under
 * the prefix). {@code GET /}, {@code profiles/}, health, metrics and the OpenAPI document need no token; a token sent
 * with {@code profiles/} is checked all the same (a bad one is ignored), so that profiles with per-user placeholders
 * can be answered with the caller's values. The
 * authenticated caller is put into the request context for the handlers. A request with more than one
 * {@code Authorization} header is refused (400) whatever they hold: credentials must not be ambiguous.
 */
public final class AuthFilter implements Filter {

    private final TokenAuthenticator authenticator;
    private final List<String> protectedPaths;
    private final String profiles;

    public AuthFilter(TokenAuthenticator authenticator, String prefix) {
        this.authenticator = authenticator;
        this.profiles = prefix + "/profiles";
        this.protectedPaths = List.of(prefix + "/authorized", prefix + "/jobs", prefix + "/cronjobs", prefix + "/pods",
                prefix + "/events");
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (requiresToken(req.path().path())) {
            List<String> headers = req.headers().all(HeaderNames.AUTHORIZATION, List::of);
            if (headers.size() > 1) {
                // Which one counts would be up to us, and a proxy in front may check one while we use the other.
                throw new ApiException(400, "The request has " + headers.size() + " Authorization headers;"
                        + " send exactly one");
            }
            req.context().register(authenticator.authenticate(headers.isEmpty() ? null : headers.getFirst()));
        } else if (isProfiles(req.path().path())) {
            List<String> headers = req.headers().all(HeaderNames.AUTHORIZATION, List::of);
            if (headers.size() == 1) {
                try {
                    req.context().register(authenticator.authenticate(headers.getFirst()));
                } catch (ApiException | HubUnavailableException e) {
                    // The profiles are public: without a valid token they are answered as written.
                }
            }
        }
        chain.proceed();
    }

    private boolean isProfiles(String path) {
        return path.equals(profiles) || path.equals(profiles + "/");
    }

    /** The caller, when this request was authenticated. */
    public static java.util.Optional<Authenticated> optionalCaller(ServerRequest req) {
        return req.context().get(Authenticated.class);
    }

    private boolean requiresToken(String path) {
        for (String p : protectedPaths) {
            if (path.equals(p) || path.startsWith(p + "/")) {
                return true;
            }
        }
        return false;
    }

    /** The caller that this filter authenticated. */
    public static Authenticated caller(ServerRequest req) {
        return req.context().get(Authenticated.class)
                .orElseThrow(() -> new ApiException(401, "Incorrect token"));
    }
}
