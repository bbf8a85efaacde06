package org.kbatch.proxy.kube;

import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.kbatch.proxy.errors.ApiException;
import org.kbatch.proxy.metrics.ProxyMetrics;

/**
 * Every Kubernetes call the proxy makes, through one shared fabric8 client. Each method takes the caller's
 * namespace explicitly; nothing here decides which namespace a user may use (the endpoints do, from the token).
 * Failures surface as fabric8's {@link KubernetesClientException}, which the error mapping relays.
 */
public final class KubernetesGateway {


    private final KubernetesClient client;
    private final ProxyMetrics metrics;

    public KubernetesGateway(KubernetesClient client, ProxyMetrics metrics) {
        this.client = client;
        this.metrics = metrics;
    }

    public Job getJob(Scope scope, String name) {
        return findJob(scope, name).orElseThrow(() -> new ApiException(404, "jobs.batch \"" + name + "\" not found"));
    }

    /** One of the caller's jobs; empty when there is none of that name, or it is another user's. */
    public Optional<Job> findJob(Scope scope, String name) {
        Job job = metrics.kubernetes("get-job",
                () -> client.batch().v1().jobs().inNamespace(scope.namespace()).withName(name).get());
        return job == null || !scope.owns(job.getMetadata().getLabels()) ? Optional.empty() : Optional.of(job);
    }

    public CronJob getCronJob(Scope scope, String name) {
        CronJob cronJob = metrics.kubernetes("get-cronjob",
                () -> client.batch().v1().cronjobs().inNamespace(scope.namespace()).withName(name).get());
        if (cronJob == null || !scope.owns(cronJob.getMetadata().getLabels())) {
            throw new ApiException(404, "cronjobs.batch \"" + name + "\" not found");
        }
        return cronJob;
    }

    /** Deletes one of the caller's jobs; its pods, Secret and ConfigMap go with it (they are owned by the job). */
    public Status deleteJob(Scope scope, String name) {
        if (scope.ownerLabel().isPresent()) {
            getJob(scope, name);
        }
        return status(metrics.kubernetes("delete-job", () -> client.batch().v1().jobs().inNamespace(scope.namespace())
                .withName(name).withPropagationPolicy(DeletionPropagation.FOREGROUND).delete()), "jobs.batch", name);
    }

    /** Deletes one of the caller's cronjobs; the jobs it started, their pods and its Secret/ConfigMap go with it. */
    public Status deleteCronJob(Scope scope, String name) {
        if (scope.ownerLabel().isPresent()) {
            getCronJob(scope, name);
        }
        return status(metrics.kubernetes("delete-cronjob", () -> client.batch().v1().cronjobs()
                .inNamespace(scope.namespace()).withName(name).withPropagationPolicy(DeletionPropagation.FOREGROUND)
                .delete()), "cronjobs.batch", name);
    }

    /** One of the caller's pods; a 404 when there is none of that name, or it is another user's. */
    public Pod getPod(Scope scope, String name) {
        return findPod(scope, name).orElseThrow(() -> new ApiException(404, "pods \"" + name + "\" not found"));
    }

    /** One of the caller's pods; empty when there is none of that name, or it is another user's. */
    public Optional<Pod> findPod(Scope scope, String name) {
        Pod pod = metrics.kubernetes("get-pod", () -> client.pods().inNamespace(scope.namespace()).withName(name).get());
        return pod == null || !scope.owns(pod.getMetadata().getLabels()) ? Optional.empty() : Optional.of(pod);
    }

    private static Status status(List<StatusDetails> deleted, String resource, String name) {
        if (deleted == null || deleted.isEmpty()) {
            throw new ApiException(404, resource + " \"" + name + "\" not found");
        }
        return new StatusBuilder().withApiVersion("v1").withKind("Status").withStatus("Success")
                .withDetails(deleted.getFirst()).build();
    }
}
