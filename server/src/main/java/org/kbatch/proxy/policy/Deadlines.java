package org.kbatch.proxy.policy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpecBuilder;
import org.kbatch.proxy.errors.Refusal;

/**
 * {@code default_active_deadline_seconds} and {@code max_active_deadline_seconds}
 * ({@code KBATCH_DEFAULT_ACTIVE_DEADLINE_SECONDS}, {@code KBATCH_MAX_ACTIVE_DEADLINE_SECONDS}) on a job's
 * {@code active_deadline_seconds}, and on the jobs a cronjob runs: a job that sets none gets the default (or, with
 * only a maximum configured, the maximum, so that no job runs unbounded); one that asks for more than the maximum is
 * refused. Kubernetes stops a job at its deadline ({@code DeadlineExceeded}).
 */
public final class Deadlines {

    private Deadlines() {
    }

    /** The workload with its deadline filled in, or a 422 over the maximum; the input is not modified. */
    public static <W extends HasMetadata> W apply(W workload, OperatorPolicy policy) {
        Long fallback = policy.defaultActiveDeadlineSeconds() != null ? policy.defaultActiveDeadlineSeconds()
                : policy.maxActiveDeadlineSeconds();
        Long max = policy.maxActiveDeadlineSeconds();
        JobSpec job = PodSpecs.jobSpec(workload);
        if (job == null || (fallback == null && max == null)) {
            return workload;
        }
        Long asked = job.getActiveDeadlineSeconds();
        if (asked == null) {
            long filled = max == null ? fallback : Math.min(fallback, max);
            return PodSpecs.editJobSpec(workload, spec -> new JobSpecBuilder(spec).withActiveDeadlineSeconds(filled)
                    .build());
        }
        if (max != null && asked > max) {
            throw new Refusal(422, "max_active_deadline_seconds", PodSpecs.jobPath(workload)
                    + ".active_deadline_seconds: " + asked + " seconds is longer than a job may run here, at most "
                    + max + " (" + policy.source("max_active_deadline_seconds") + ")");
        }
        return workload;
    }
}
