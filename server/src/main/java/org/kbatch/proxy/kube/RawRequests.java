package org.kbatch.proxy.kube;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;

/**
 * Plain requests of API paths on fabric8's HTTP client (its auth, TLS and connection), without fabric8's typed
 * operations and their models:
 * <ul>
 *   <li>{@link #get}, answering the body as a stream ({@link ResponseBody}: not buffered whole). The lists that the
 *       endpoints pass through ({@link Pages}) and the logs ({@link PodLogs}) are read this way rather than parsed
 *       into models.</li>
 *   <li>{@link #post} and {@link #mergePatch} of JSON we wrote, answering the body whole. The creates and owner
 *       patches of a submission ({@link KubernetesObjects}) go this way: fabric8's typed calls cost about twice the
 *       CPU for the same exchange (bench/README.md, {@code Fabric8Calls}).</li>
 * </ul>
 *
 * <p>Failures are {@link KubernetesClientException}s, as fabric8's own calls fail: an error answer carries the API's
 * {@code Status} and code (a missing object is its 404; a body that is no {@code Status} becomes one saying
 * "WHAT failed"); no answer within the client's request timeout is "Kubernetes request timed out" with a
 * {@link TimeoutException} cause (a 504 in the error mapping), and the late answer is cancelled; a connection that
 * fails is "Kubernetes request failed" with the cause (a 503).
 */
public final class RawRequests {

    private static final String JSON = "application/json";
    private static final String MERGE_PATCH = "application/merge-patch+json";

    private final KubernetesClient client;

    public RawRequests(KubernetesClient client) {
        this.client = client;
    }

    /**
     * {@code GET path}. {@code timeout}: the client's request timeout also applies to the whole exchange until the
     * answer starts (off for a followed log, which may wait long for its first line); {@code what} names the request
     * in failures.
     */
    InputStream get(ApiPath path, boolean timeout, String what) {
        HttpRequest.Builder request = request(path);
        if (timeout) {
            request.timeout(timeoutMillis(), TimeUnit.MILLISECONDS);
        }
        ResponseBody stream = new ResponseBody();
        HttpResponse<AsyncBody> response = await(client.getHttpClient().consumeBytes(request.build(), stream),
                late -> late.body().cancel(), what);
        stream.start(response.body());
        if (!response.isSuccessful()) {
            byte[] body;
            try (InputStream in = stream) {
                body = in.readAllBytes();
            } catch (IOException | RuntimeException e) {
                body = new byte[0];
            }
            throw failure(response.code(), body, what);
        }
        return stream;
    }

    /** {@code POST path} with the JSON {@code body} (a create); the answer's body (the object as created). */
    byte[] post(ApiPath path, String body, String what) {
        return send(request(path).post(JSON, body.getBytes(StandardCharsets.UTF_8)), what);
    }

    /** {@code PATCH path} with a JSON merge patch; the answer's body (the object as patched). */
    byte[] mergePatch(ApiPath path, String patch, String what) {
        return send(request(path).method("PATCH", MERGE_PATCH, patch), what);
    }

    private byte[] send(HttpRequest.Builder request, String what) {
        request.timeout(timeoutMillis(), TimeUnit.MILLISECONDS);
        HttpResponse<byte[]> response = await(client.getHttpClient().sendAsync(request.build(), byte[].class),
                late -> { }, what);
        byte[] body = response.body() == null ? new byte[0] : response.body();
        if (!response.isSuccessful()) {
            throw failure(response.code(), body, what);
        }
        return body;
    }

    /** The answer, within the request timeout; {@code cancel} is done to an answer that comes too late. */
    private <T> HttpResponse<T> await(CompletableFuture<HttpResponse<T>> answer, Consumer<HttpResponse<T>> cancel,
                                      String what) {
        try {
            return answer.get(timeoutMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // An answer that still comes is not read: cancel it rather than leave the connection busy.
            answer.thenAccept(cancel);
            throw new KubernetesClientException("Kubernetes request timed out: " + what, e);
        } catch (ExecutionException e) {
            throw new KubernetesClientException("Kubernetes request failed: " + what, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer.thenAccept(cancel);
            throw new KubernetesClientException("Interrupted", e);
        }
    }

    /** The API's {@code Status} of an error answer, or one saying what failed when the body is none. */
    private KubernetesClientException failure(int code, byte[] body, String what) {
        Status status;
        try {
            status = client.getKubernetesSerialization().unmarshal(new String(body, StandardCharsets.UTF_8),
                    Status.class);
        } catch (RuntimeException e) {
            status = null;
        }
        if (status == null || status.getMessage() == null) {
            status = new StatusBuilder().withCode(code).withMessage(what + " failed").build();
        }
        return new KubernetesClientException(status.getMessage(), code, status);
    }

    /** A request of {@code path} on the API server, on fabric8's HTTP client. */
    private HttpRequest.Builder request(ApiPath path) {
        return client.getHttpClient().newHttpRequestBuilder()
                .uri(client.getMasterUrl().toString().replaceAll("/+$", "") + path);
    }

    private long timeoutMillis() {
        return client.getConfiguration().getRequestTimeout();
    }
}
