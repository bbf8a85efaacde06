package org.kbatch.proxy.http;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.kbatch.proxy.errors.ApiException;
import org.kbatch.proxy.wire.WireFormatException;
import tools.jackson.core.JacksonException;

/**
 * Maps failures of the parts we call (the wire codec, the Kubernetes client, wrapped causes) to API errors.
 * Returns {@code null} for anything unexpected, which becomes a logged 500.
 */
final class KnownFailures {

    private static final Logger LOG = Logger.getLogger(KnownFailures.class.getName());
    /**
     * The RBAC authorizer's refusal of the proxy's own identity: {@code <what> is forbidden: User "<identity>" cannot
     * <verb> resource "<resource>" in API group "<group>" (in the namespace "<ns>" | at the cluster scope)}. Other
     * 403s (quota exceeded, PodSecurity admission) are about what the user sent and stay 403s.
     */
    private static final Pattern RBAC_DENIAL = Pattern.compile(
            "is forbidden: User \"[^\"]*\" cannot (\\S+) resource \"([^\"]+)\""
                    + "(?: in API group \"([^\"]*)\")?(?: in the namespace \"([^\"]*)\")?");

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
            if (code == 403) {
                Matcher denial = RBAC_DENIAL.matcher(message);
                if (denial.find()) {
                    return deploymentFault(denial, message);
                }
            }
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

    /**
     * The API server refused the proxy's own ServiceAccount: a fault of the deployment, not of the user's request. The
     * user gets a 500 that names the missing permission but not the identity; the operator gets Kubernetes' words.
     */
    private static ApiException deploymentFault(Matcher denial, String kubernetesMessage) {
        String verb = denial.group(1);
        String resource = denial.group(2);
        String group = denial.group(3);
        String namespace = denial.group(4);
        LOG.log(Level.WARNING, "Kubernetes refused the proxy's own service account (check the RBAC the Helm chart"
                + " grants, rbac.create): " + kubernetesMessage);
        String what = (group == null || group.isEmpty() ? resource : resource + "." + group)
                + (namespace == null || namespace.isEmpty() ? "" : " in namespace " + namespace);
        return new ApiException(500, "The proxy is not allowed to " + verb + " " + what
                + "; this is a fault of the deployment, not of your request: ask the administrator to check the"
                + " proxy's RBAC (the Helm chart's rbac.create)");
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
