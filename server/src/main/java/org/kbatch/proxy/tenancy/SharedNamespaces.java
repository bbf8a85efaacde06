package org.kbatch.proxy.tenancy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import org.kbatch.proxy.caller.Placement;

/**
 * In a namespace shared by several users, two users' objects must never compete for a name (a 409 would even tell
 * one user that the other's job exists): a fixed {@code metadata.name} becomes a {@code generateName}, so the API
 * server adds a random suffix, as it does for everything the kbatch CLI submits anyway.
 */
public final class SharedNamespaces {

    private SharedNamespaces() {
    }

    @SuppressWarnings("unchecked")
    public static <W extends HasMetadata> W uniqueName(W workload, Placement placement) {
        if (!placement.shared() || workload.getMetadata() == null || workload.getMetadata().getName() == null
                || workload.getMetadata().getName().isEmpty()) {
            return workload;
        }
        String generateName = workload.getMetadata().getName() + "-";
        if (workload instanceof Job job) {
            return (W) new JobBuilder(job).editMetadata().withName(null).withGenerateName(generateName).endMetadata()
                    .build();
        }
        if (workload instanceof CronJob cronJob) {
            return (W) new CronJobBuilder(cronJob).editMetadata().withName(null).withGenerateName(generateName)
                    .endMetadata().build();
        }
        return workload;
    }
}
