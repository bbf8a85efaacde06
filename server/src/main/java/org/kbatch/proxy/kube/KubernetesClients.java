package org.kbatch.proxy.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/** Builds the one fabric8 client the proxy shares between all requests. */
public final class KubernetesClients {

    /** How long one Kubernetes call may take before the user gets a 504. */
    static final int REQUEST_TIMEOUT_MS = 30_000;

    private KubernetesClients() {
    }

    /** In a pod: the service account; elsewhere {@code KUBECONFIG} (or ~/.kube/config). */
    public static KubernetesClient fromEnvironment() {
        return build(Config.autoConfigure(null));
    }

    /** A client for an API server at a URL (the embedded demo cluster, tests). */
    public static KubernetesClient forUrl(String masterUrl) {
        Config config = Config.empty();
        config.setMasterUrl(masterUrl);
        config.setTrustCerts(true);
        return build(config);
    }

    private static KubernetesClient build(Config config) {
        config.setRequestTimeout(REQUEST_TIMEOUT_MS);
        config.setConnectionTimeout(5_000);
        // A failed call is reported to the user, not retried behind their back: fabric8 would retry a 5xx ten
        // times (about 19 s), and a retried POST is not safe.
        config.setRequestRetryBackoffLimit(0);
        return new KubernetesClientBuilder().withConfig(config).build();
    }
}
