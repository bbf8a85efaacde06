package org.kbatch.client;

import java.io.IOException;
import java.net.http.HttpHeaders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A failed kbatch call: the HTTP status and the proxy's {@code {"detail": "..."}} message, or (status 0) a call that
 * never got an answer (connection refused, interrupted, ...; the cause says which).
 *
 * <p>It is an {@link ApiException}, so code that already catches the generated client's exception catches this one
 * too; {@link #getCode()} and {@link #getResponseBody()} answer as there.</p>
 */
public class KbatchException extends ApiException {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String detail;

    /**
     * An answer with an error status.
     *
     * @param status  the HTTP status
     * @param headers the answer's headers (may be {@code null})
     * @param body    the answer's body (may be {@code null})
     */
    public KbatchException(int status, HttpHeaders headers, String body) {
        this(status, headers, body, detailOf(body), null);
    }

    /**
     * A call that got no answer.
     *
     * @param cause why (an {@link IOException}, an interruption, ...)
     */
    public KbatchException(Throwable cause) {
        this(0, null, null, String.valueOf(cause.getMessage() != null ? cause.getMessage() : cause), cause);
    }

    private KbatchException(int status, HttpHeaders headers, String body, String detail, Throwable cause) {
        super(message(status, detail), cause, status, headers, body);
        this.detail = detail;
    }

    /**
     * The same failure as a {@code KbatchException}: the generated API classes throw plain {@link ApiException}s.
     *
     * @param e what a generated API call threw
     * @return {@code e} itself when it already is one, otherwise a {@code KbatchException} with its status and body
     */
    public static KbatchException of(ApiException e) {
        if (e instanceof KbatchException k) {
            return k;
        }
        if (e.getCode() == 0) {
            return new KbatchException(e.getCause() != null ? e.getCause() : e);
        }
        String body = e.getResponseBody();
        // The generated classes answer a missing required parameter with a status but no body: keep their message.
        String detail = body == null ? String.valueOf(e.getMessage()) : detailOf(body);
        KbatchException k = new KbatchException(e.getCode(), e.getResponseHeaders(), body, detail, e.getCause());
        k.setStackTrace(e.getStackTrace());
        return k;
    }

    /**
     * The HTTP status of the answer, or 0 when there was none.
     *
     * @return e.g. 401 for a wrong token, 404 for an unknown job, 422 for an invalid submission
     */
    public int status() {
        return getCode();
    }

    /**
     * What went wrong, in the proxy's words: the {@code detail} of its JSON error body ({@code "Incorrect token"}),
     * the body itself when it is not such JSON, or the cause's message when there was no answer.
     *
     * @return never {@code null}
     */
    public String detail() {
        return detail;
    }

    /**
     * How long to wait before trying again, when the proxy says (a 429 of a per-user limit such as
     * {@code KBATCH_MAX_ACTIVE_JOBS} sends {@code Retry-After}).
     *
     * @return the wait, or empty when the answer gave none
     */
    public java.util.Optional<java.time.Duration> retryAfter() {
        if (getResponseHeaders() == null) {
            return java.util.Optional.empty();
        }
        return getResponseHeaders().firstValue("Retry-After").flatMap(value -> {
            try {
                return java.util.Optional.of(java.time.Duration.ofSeconds(Long.parseLong(value.strip())));
            } catch (NumberFormatException e) {
                return java.util.Optional.empty();
            }
        });
    }

    private static String message(int status, String detail) {
        return status == 0 ? "kbatch: no answer: " + detail : "kbatch: " + status + " " + detail;
    }

    /** The {@code detail} of a {@code {"detail": ...}} body; otherwise the body as it is. */
    static String detailOf(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        try {
            JsonNode node = JSON.readTree(body);
            JsonNode detail = node == null ? null : node.get("detail");
            if (detail != null && !detail.isNull()) {
                return detail.isTextual() ? detail.asText() : detail.toString();
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: the body is the best detail there is
        }
        return body.strip();
    }
}
