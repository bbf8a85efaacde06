package org.kbatch.proxy.kube;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpResponse;

/**
 * A plain {@code GET} of an API path on fabric8's HTTP client (its auth and TLS), answering the body as a stream
 * ({@link ResponseBody}: not buffered whole). The lists that the endpoints pass through ({@link Pages}) and the logs
 * ({@link PodLogs}) are read this way rather than through fabric8's typed calls, which would parse them into models.
 *
 * <p>Failures are {@link KubernetesClientException}s, as fabric8's own calls fail: an error answer carries the API's
 * {@code Status} and code (a missing object is its 404; a body that is no {@code Status} becomes one saying
 * "WHAT failed"); no answer within the client's request timeout is "Kubernetes request timed out" with a
 * {@link TimeoutException} cause (a 504 in the error mapping), and the late answer is cancelled; a connection that
 * fails is "Kubernetes request failed" with the cause (a 503).
 */
public final class RawGet {

    private final KubernetesClient client;

    public RawGet(KubernetesClient client) {
        this.client = client;
    }

    /**
     * {@code GET path}. {@code timeout}: the client's request timeout also applies to the whole exchange until the
     * answer starts (off for a followed log, which may wait long for its first line); {@code what} names the request
     * in failures.
     */
    InputStream get(ApiPath path, boolean timeout, String what) {
        String url = client.getMasterUrl().toString().replaceAll("/+$", "") + path;
        var http = client.getHttpClient();
        var request = http.newHttpRequestBuilder().uri(url);
        if (timeout) {
            request.timeout(client.getConfiguration().getRequestTimeout(), TimeUnit.MILLISECONDS);
        }
        ResponseBody stream = new ResponseBody();
        var answer = http.consumeBytes(request.build(), stream);
        HttpResponse<AsyncBody> response;
        try {
            response = answer.get(client.getConfiguration().getRequestTimeout(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // An answer that still comes is not read: cancel it rather than leave the connection busy.
            answer.thenAccept(late -> late.body().cancel());
            throw new KubernetesClientException("Kubernetes request timed out: " + what, e);
        } catch (ExecutionException e) {
            throw new KubernetesClientException("Kubernetes request failed: " + what, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer.thenAccept(late -> late.body().cancel());
            throw new KubernetesClientException("Interrupted", e);
        }
        stream.start(response.body());
        if (!response.isSuccessful()) {
            Status status;
            try (InputStream body = stream) {
                status = client.getKubernetesSerialization().unmarshal(new String(body.readAllBytes(),
                        StandardCharsets.UTF_8), Status.class);
            } catch (IOException | RuntimeException e) {
                status = new StatusBuilder().withCode(response.code()).withMessage(what + " failed").build();
            }
            throw new KubernetesClientException(status.getMessage(), response.code(), status);
        }
        return stream;
    }
}
