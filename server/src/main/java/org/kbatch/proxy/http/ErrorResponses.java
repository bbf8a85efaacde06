package org.kbatch.proxy.http;

import java.lang.System.Logger.Level;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import jakarta.validation.ValidationException;
import org.kbatch.proxy.errors.ApiException;
import org.kbatch.proxy.errors.Refusal;
import org.kbatch.proxy.auth.HubUnavailableException;

/**
 * The one place that turns failures into {@code {"detail": ...}} answers with the right status. Nothing here
 * echoes a request header, so no token reaches a response or a log line.
 */
public final class ErrorResponses {

    private static final System.Logger LOG = System.getLogger(ErrorResponses.class.getName());

    private ErrorResponses() {
    }

    /**
     * Failures Helidon answers before routing (a body over the size limit: 413, a malformed HTTP request: 400) get
     * the same JSON body.
     */
    public static void directHandlers(DirectHandlers.Builder handlers, BodyLimits limits) {
        handlers.addHandler(DirectHandler.EventType.BAD_REQUEST, (req, type, status, headers, message) -> {
            String detail = status.code() == 413 ? limits.tooLarge() : httpDetail(status);
            return DirectHandler.TransportResponse.builder()
                    .status(status)
                    .headers(headers)
                    .header(HeaderValues.CONTENT_TYPE_JSON)
                    .entity(Json.MAPPER.writeValueAsBytes(java.util.Map.of("detail", detail)))
                    .build();
        });
    }

    /**
     * The detail of a failure the HTTP layer found (the request line, headers, framing or size): said in our words,
     * since the server library's message names its own internals.
     */
    static String httpDetail(Status status) {
        return switch (status.code()) {
            case 400 -> "Bad request: the HTTP request could not be read (its request line, headers, encoding or"
                    + " body framing is malformed)";
            case 413 -> "Request body too large";
            case 414 -> "The request's URL is too long";
            case 431 -> "The request's headers are too large";
            default -> status.reasonPhrase();
        };
    }

    /**
     * Our own validation failures (subclasses) say what is wrong; a plain one comes from the generated parameter
     * checks, whose message names their classes.
     */
    static String validationDetail(ValidationException e) {
        return e.getClass() != ValidationException.class && e.getMessage() != null ? e.getMessage()
                : "A required request parameter is missing or not valid";
    }

    /** What a filter learns of a request once the rest of the chain has run. */
    @FunctionalInterface
    public interface Outcome {
        /** @param failure what failed the request, or {@code null} */
        void record(int status, long nanos, Throwable failure);
    }

    /**
     * Runs the rest of the filter chain and reports the status the client gets (for a failure, the one the error
     * mapping below answers it with) and how long it took; a failure is rethrown. The audit log and the request
     * metrics both see requests this way, so they agree on every status.
     */
    public static void proceed(FilterChain chain, RoutingResponse res, Outcome outcome) {
        long start = System.nanoTime();
        int status = 500;
        Throwable failure = null;
        try {
            chain.proceed();
            status = res.status().code();
        } catch (RuntimeException e) {
            status = statusOf(e);
            failure = e;
            throw e;
        } finally {
            outcome.record(status, System.nanoTime() - start, failure);
        }
    }

    /**
     * The rule of the operator's that refused this request, if one did: seen as the failure itself, or (once the
     * error handler has answered it) in the request's context.
     */
    public static java.util.Optional<String> refusedBy(ServerRequest req, Throwable failure) {
        if (failure instanceof Refusal refusal) {
            return java.util.Optional.of(refusal.rule());
        }
        return req.context().get(Refusal.class).map(Refusal::rule);
    }

    /** The status a failure is answered with (filters see the failure before it is answered). */
    static int statusOf(Throwable e) {
        if (e instanceof HubUnavailableException) {
            return 503;
        }
        if (e instanceof ValidationException) {
            return 422;
        }
        if (e instanceof HttpException http) {
            return http.status().code();
        }
        ApiException mapped = KnownFailures.map(e);
        return mapped == null ? 500 : mapped.status();
    }

    public static void register(HttpRouting.Builder routing) {
        routing.error(ApiException.class, (req, res, e) -> {
                    if (e instanceof Refusal refusal) {
                        // The metrics and audit filters read which rule refused the request from its context.
                        req.context().register(refusal);
                        if (refusal.retryAfterSeconds() > 0) {
                            res.header(HeaderNames.RETRY_AFTER, String.valueOf(refusal.retryAfterSeconds()));
                        }
                    }
                    Json.detail(res, e.status(), e.detail());
                })
                .error(HubUnavailableException.class, (req, res, e) -> Json.detail(res, 503, e.getMessage()))
                .error(ValidationException.class, (req, res, e) -> Json.detail(res, 422, validationDetail(e)))
                .error(HttpException.class, (req, res, e) -> {
                    int status = e.status().code();
                    String detail = status == 404 ? "Not found: " + req.path().path() : httpDetail(e.status());
                    Json.detail(res, status, detail);
                })
                .error(RuntimeException.class, (req, res, e) -> {
                    ApiException mapped = KnownFailures.map(e);
                    if (mapped != null) {
                        Json.detail(res, mapped.status(), mapped.detail());
                        return;
                    }
                    LOG.log(Level.ERROR, "Unexpected failure on " + req.prologue().method().text() + " "
                            + req.path().path(), e);
                    Json.detail(res, 500, "Internal server error");
                });
    }
}
