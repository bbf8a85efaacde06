package org.kbatch.proxy.tenancy;

import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.kbatch.proxy.errors.ApiException;
import org.kbatch.proxy.kube.KubernetesObjects;
import org.kbatch.proxy.kube.Scope;
import org.kbatch.proxy.naming.UsernameLabel;

/**
 * Which single objects a caller may see, show and delete: in a namespace of their own, everything; in a namespace
 * shared by several users, only what carries their username label ({@value UsernameLabel#KEY}). Another user's object
 * is treated exactly like one that does not exist, so a user cannot even learn that it exists. (Lists are restricted
 * to the same objects by the API server, through the label selector of the caller's {@link Scope}.)
 *
 * <p>Failures: a missing or another user's object is an {@link ApiException} 404 in Kubernetes' own words
 * ({@code jobs.batch "x" not found}, {@code cronjobs.batch "x" not found}, {@code pods "x" not found}), or an empty
 * answer from the {@code find} methods; the Kubernetes calls fail as fabric8's ({@link KubernetesClientException}).
 */
public final class Ownership {

    private final KubernetesObjects objects;

    public Ownership(KubernetesObjects objects) {
        this.objects = objects;
    }

    /** Whether an object with these labels is the caller's (always, in their own namespace). */
    public static boolean owns(Scope scope, Map<String, String> labels) {
        return scope.ownerLabel().isEmpty()
                || (labels != null && scope.ownerLabel().get().equals(labels.get(UsernameLabel.KEY)));
    }

    private static boolean owns(Scope scope, HasMetadata object) {
        return owns(scope, object.getMetadata().getLabels());
    }

    /** One of the caller's jobs; empty when there is none of that name, or it is another user's. */
    public Optional<Job> findJob(Scope scope, String name) {
        return objects.job(scope.namespace(), name).filter(job -> owns(scope, job));
    }

    /** One of the caller's jobs; a 404 when there is none of that name, or it is another user's. */
    public Job getJob(Scope scope, String name) {
        return findJob(scope, name).orElseThrow(() -> new ApiException(404, "jobs.batch \"" + name + "\" not found"));
    }

    /** One of the caller's cronjobs; a 404 when there is none of that name, or it is another user's. */
    public CronJob getCronJob(Scope scope, String name) {
        return objects.cronJob(scope.namespace(), name).filter(cronJob -> owns(scope, cronJob))
                .orElseThrow(() -> new ApiException(404, "cronjobs.batch \"" + name + "\" not found"));
    }

    /** One of the caller's pods; empty when there is none of that name, or it is another user's. */
    public Optional<Pod> findPod(Scope scope, String name) {
        return objects.pod(scope.namespace(), name).filter(pod -> owns(scope, pod));
    }

    /** One of the caller's pods; a 404 when there is none of that name, or it is another user's. */
    public Pod getPod(Scope scope, String name) {
        return findPod(scope, name).orElseThrow(() -> new ApiException(404, "pods \"" + name + "\" not found"));
    }

    /**
     * Deletes one of the caller's jobs; its pods, Secret and ConfigMap go with it (they are owned by the job). In a
     * shared namespace the job is looked at first: another user's is a 404 and stays.
     */
    public Status deleteJob(Scope scope, String name) {
        if (scope.ownerLabel().isPresent()) {
            getJob(scope, name);
        }
        return objects.deleteJob(scope.namespace(), name);
    }

    /** Deletes one of the caller's cronjobs; the jobs it started, their pods and its Secret/ConfigMap go with it. */
    public Status deleteCronJob(Scope scope, String name) {
        if (scope.ownerLabel().isPresent()) {
            getCronJob(scope, name);
        }
        return objects.deleteCronJob(scope.namespace(), name);
    }
}
