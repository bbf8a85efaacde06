package org.kbatch.proxy.kube;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.kbatch.proxy.metrics.ProxyMetrics;

/**
 * Pods' logs: the first pod of one of the caller's jobs, and a pod's log so far or followed as it grows, as a stream
 * (never buffered whole). Logs are read with a plain {@code GET .../pods/P/log} ({@link RawRequests}) rather than fabric8's
 * log helpers: those first wait for the pod with a watch, and pass an error {@code Status} through as if it were log
 * text. Whose pod it is is checked before (by {@code tenancy.Ownership}, or because {@link #firstPodOfJob} found it
 * through the caller's scope); nothing here checks it again.
 *
 * <p>Failures are {@link KubernetesClientException}s as {@link RawRequests} raises them: the API's {@code Status} for an
 * error answer (a pod that is gone is its 404; a container not started yet is its 400), or timed out: the log so far
 * must start within the client's request timeout, a followed log only has to connect. A job without pods is an empty
 * {@link #firstPodOfJob}.
 */
public final class PodLogs {

    /** The label Kubernetes puts on a job's pods (1.27 and later). */
    public static final String JOB_NAME_LABEL = "batch.kubernetes.io/job-name";
    /** The label Kubernetes put on a job's pods before 1.27 (and still does); the CLI selects pods of a job by it. */
    public static final String LEGACY_JOB_NAME_LABEL = "job-name";

    private final KubernetesClient client;
    private final RawRequests raw;
    private final ProxyMetrics metrics;

    public PodLogs(KubernetesClient client, RawRequests raw, ProxyMetrics metrics) {
        this.client = client;
        this.raw = raw;
        this.metrics = metrics;
    }

    /** The first pod of a job: labelled {@code batch.kubernetes.io/job-name}, else (clusters before 1.27) {@code job-name}. */
    public Optional<Pod> firstPodOfJob(Scope scope, String jobName) {
        for (String label : List.of(JOB_NAME_LABEL, LEGACY_JOB_NAME_LABEL)) {
            List<Pod> pods = metrics.kubernetes("list-pods", () -> scope.restrict(client.pods()
                    .inNamespace(scope.namespace())).withLabel(label, jobName)
                    .list(new ListOptionsBuilder().withLimit(1L).build())).getItems();
            if (!pods.isEmpty()) {
                return Optional.of(pods.getFirst());
            }
        }
        return Optional.empty();
    }

    /** The log so far of a pod the caller may see (found through {@code scope}). */
    public InputStream read(Scope scope, String pod) {
        return read(scope, pod, LogOptions.DEFAULT);
    }

    /** The part of a pod's log the options choose (its default container's whole log with {@link LogOptions#DEFAULT}). */
    public InputStream read(Scope scope, String pod, LogOptions options) {
        return metrics.kubernetes("get-log", () -> log(scope.namespace(), pod, false, options));
    }

    /**
     * The log of a pod the caller may see, following it until the container ends. Closing the stream closes the
     * connection to the API server, so a client that goes away does not leave a follower behind.
     */
    public InputStream follow(Scope scope, String pod) {
        return follow(scope, pod, LogOptions.DEFAULT);
    }

    /** {@link #follow(Scope, String)} with log options. */
    public InputStream follow(Scope scope, String pod, LogOptions options) {
        return metrics.kubernetes("follow-log", () -> log(scope.namespace(), pod, true, options));
    }

    /**
     * Every pod of one of the caller's jobs, oldest first (by creation, then name): labelled
     * {@code batch.kubernetes.io/job-name}, else (clusters before 1.27) {@code job-name}.
     */
    public List<Pod> podsOfJob(Scope scope, String jobName) {
        for (String label : List.of(JOB_NAME_LABEL, LEGACY_JOB_NAME_LABEL)) {
            List<Pod> pods = metrics.kubernetes("list-pods", () -> scope.restrict(client.pods()
                    .inNamespace(scope.namespace())).withLabel(label, jobName).list()).getItems();
            if (!pods.isEmpty()) {
                return pods.stream().sorted(java.util.Comparator
                        .comparing((Pod p) -> String.valueOf(p.getMetadata().getCreationTimestamp()))
                        .thenComparing(p -> p.getMetadata().getName())).toList();
            }
        }
        return List.of();
    }

    private InputStream log(String namespace, String pod, boolean follow, LogOptions options) {
        ApiPath log = options.applyTo(ApiPath.of("api", "v1", "namespaces", namespace, "pods", pod, "log"));
        return raw.get(follow ? log.query("follow", "true") : log, !follow, "log of pod " + pod);
    }
}
