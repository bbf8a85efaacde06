package org.kbatch.proxy.errors;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.TimeoutException;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.kbatch.proxy.wire.WireFormatException;
import tools.jackson.core.JacksonException;

/**
 * Maps failures of the parts we call (the wire codec, the Kubernetes client, wrapped causes) to API errors.
 * Returns {@code null} for anything unexpected, which becomes a logged 500.
 */
final class KnownFailures {

    private KnownFailures() {
    }

    static ApiException map(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ApiException api) {
                return api;
            }
            if (t instanceof WireFormatException wire) {
                return new ApiException(wire.status(), wire.getMessage());
            }
            if (t instanceof KubernetesClientException k8s) {
                return kubernetes(k8s);
            }
        }
        return null;
    }

    /**
     * A Kubernetes API error is relayed with its status code and {@code Status.message}; an API server that cannot
     * be reached (no HTTP status) is a 503, one that does not answer in time a 504.
     */
    private static ApiException kubernetes(KubernetesClientException e) {
        Status status = e.getStatus();
        int code = e.getCode();
        if (code >= 400 && code < 600) {
            // Kubernetes' own words; without a Status the client library's message would name its request, not ours
            String message = status != null && status.getMessage() != null && !status.getMessage().isBlank()
                    ? status.getMessage() : "The Kubernetes API answered " + code;
            return new ApiException(code, message);
        }
        if (causedBy(e, HttpTimeoutException.class) || causedBy(e, TimeoutException.class)) {
            return new ApiException(504, "The Kubernetes API did not answer in time");
        }
        if (causedBy(e, ConnectException.class) || causedBy(e, IOException.class)) {
            return new ApiException(503, "The Kubernetes API cannot be reached");
        }
        if (causedBy(e, JacksonException.class)) {
            // The client could not write our request or read the answer: our failure, not the user's nor
            // Kubernetes'. Left to the logged 500.
            return null;
        }
        return new ApiException(503, "The Kubernetes API call failed");
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
