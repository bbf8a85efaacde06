package org.kbatch.proxy.http;

import org.kbatch.proxy.metrics.ProxyMetrics;
import java.util.regex.Pattern;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Times every request under the prefix by route. The route is the path with the caller's object names replaced by
 * placeholders ({@code /jobs/{job_name}}), so the number of series stays bounded whatever names users send.
 */
public final class RequestMetrics implements Filter {

    private static final Pattern LOGS = Pattern.compile("^/(jobs|pods)/logs/[^/]+/?$");
    private static final Pattern OBJECT = Pattern.compile("^/(jobs|cronjobs)/[^/]+/?$");

    private final ProxyMetrics metrics;
    private final String prefix;

    public RequestMetrics(ProxyMetrics metrics, String prefix) {
        this.metrics = metrics;
        this.prefix = prefix;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        ErrorResponses.proceed(chain, res, (status, nanos, failure) -> {
            metrics.request(route(req.path().path()), req.prologue().method().text(), status, nanos);
            ErrorResponses.refusedBy(req, failure).ifPresent(metrics::refusal);
        });
    }

    String route(String path) {
        if (path.startsWith("/observe")) {
            return "/observe";
        }
        if (!prefix.isEmpty()) {
            if (!path.startsWith(prefix)) {
                return path.equals("/") ? "/" : "other";
            }
            path = path.substring(prefix.length());
        }
        if (path.isEmpty() || path.equals("/")) {
            return "/";
        }
        var logs = LOGS.matcher(path);
        if (logs.matches()) {
            return "/" + logs.group(1) + (logs.group(1).equals("jobs") ? "/logs/{job_name}/" : "/logs/{pod_name}/");
        }
        var object = OBJECT.matcher(path);
        if (object.matches()) {
            return "/" + object.group(1) + (object.group(1).equals("jobs") ? "/{job_name}" : "/{cronjob_name}");
        }
        String bare = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return switch (bare) {
            case "/authorized", "/profiles", "/jobs", "/cronjobs", "/pods", "/events", "/openapi", "/docs" -> bare;
            default -> bare.startsWith("/docs/") ? "/docs" : "other";
        };
    }
}
