package org.kbatch.proxy.kube;

import java.time.Duration;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/** Builds the one fabric8 client the proxy shares between all requests. */
public final class KubernetesClients {

    private KubernetesClients() {
    }

    /** In a pod: the service account; elsewhere {@code KUBECONFIG} (or ~/.kube/config). */
    public static KubernetesClient fromEnvironment(Duration timeout) {
        return build(Config.autoConfigure(null), timeout);
    }

    /** A client for an API server at a URL (the embedded demo cluster, tests). */
    public static KubernetesClient forUrl(String masterUrl) {
        return forUrl(masterUrl, Duration.ofSeconds(30));
    }

    /** A client for an API server at a URL whose calls may take at most {@code timeout}. */
    public static KubernetesClient forUrl(String masterUrl, Duration timeout) {
        Config config = Config.empty();
        config.setMasterUrl(masterUrl);
        config.setTrustCerts(true);
        return build(config, timeout);
    }

    /** How the proxy introduces itself to the API server (its audit log; the tests tell its calls from their own). */
    public static final String USER_AGENT = "kbatch-proxy";

    private static KubernetesClient build(Config config, Duration timeout) {
        config.setUserAgent(USER_AGENT);
        // How long a call may take before its answer starts (the user then gets a 504); log streams are not bounded.
        config.setRequestTimeout(Math.toIntExact(timeout.toMillis()));
        config.setConnectionTimeout(5_000);
        // A failed call is reported to the user, not retried behind their back: fabric8 would retry a 5xx ten
        // times (about 19 s), and a retried POST is not safe.
        config.setRequestRetryBackoffLimit(0);
        return new KubernetesClientBuilder().withConfig(config).build();
    }
}
