package org.kbatch.proxy.kube;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import org.kbatch.proxy.metrics.ProxyMetrics;

/**
 * Waits for a job to reach a state, by watching it (a list and a watch of that one job, as fabric8's
 * {@code waitUntilCondition} makes them), not by polling: the answer comes as soon as the job controller writes it.
 * Whose job it is is checked before (by {@code tenancy.Ownership}); nothing here checks it again.
 *
 * <p>Failures: the time running out is not one ({@link #await} answers {@code false}); a job deleted meanwhile ends
 * the wait ({@code true}: the caller reads it again and finds it gone). The list and watch fail as fabric8 does
 * ({@link KubernetesClientException}), e.g. a 403 when the deployment lacks {@code watch} on jobs.
 */
public final class JobWatch {

    private final KubernetesClient client;
    private final ProxyMetrics metrics;

    public JobWatch(KubernetesClient client, ProxyMetrics metrics) {
        this.client = client;
        this.metrics = metrics;
    }

    /** Whether the job reached {@code done} (or was deleted) within {@code timeout}. */
    public boolean await(String namespace, String name, Predicate<Job> done, Duration timeout) {
        return metrics.kubernetes("watch-job", () -> {
            try {
                client.batch().v1().jobs().inNamespace(namespace).withName(name)
                        .waitUntilCondition(job -> job == null || done.test(job), timeout.toMillis(),
                                TimeUnit.MILLISECONDS);
                return true;
            } catch (KubernetesClientTimeoutException timedOut) {
                return false;
            }
        });
    }
}
