package org.kbatch.proxy.http;

import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;

/**
 * Route registration that serves a path with and without its trailing slash, as the CLI needs (it joins
 * {@code jobs/}, {@code jobs/NAME}, {@code pods/logs/NAME/} onto its base URL). Both forms are served directly:
 * a redirect would turn the CLI's POST into trouble.
 */
public final class Routes {
    private Routes() {
    }

    public static void both(HttpRules rules, Method method, String path, Handler handler) {
        String bare = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        rules.route(method, bare, handler);
        rules.route(method, bare.equals("/") ? "" : bare + "/", handler);
    }
}
