package org.kbatch.proxy.render;

import java.util.function.UnaryOperator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpecBuilder;

/**
 * The job inside a workload: a Job's own metadata and spec, or a CronJob's {@code spec.jobTemplate}. The job steps
 * work on that part, so Jobs and CronJobs go through the same pipeline.
 */
final class Workloads {

    private Workloads() {
    }

    /** A copy of the workload's job part (empty when a CronJob has none yet). */
    static JobTemplateSpec jobPart(HasMetadata workload) {
        return switch (workload) {
            case Job job -> new JobTemplateSpecBuilder()
                    .withMetadata(job.getMetadata()).withSpec(job.getSpec()).build();
            case CronJob cron -> cron.getSpec() == null || cron.getSpec().getJobTemplate() == null
                    ? new JobTemplateSpec()
                    : new JobTemplateSpecBuilder(cron.getSpec().getJobTemplate()).build();
            default -> throw notAWorkload(workload);
        };
    }

    /** A copy of the workload with its job part replaced. */
    static <W extends HasMetadata> W withJobPart(W workload, JobTemplateSpec job) {
        HasMetadata result = switch (workload) {
            case Job j -> new JobBuilder(j).withMetadata(job.getMetadata()).withSpec(job.getSpec()).build();
            case CronJob cron -> new CronJobBuilder(cron).editOrNewSpec().withJobTemplate(job).endSpec().build();
            default -> throw notAWorkload(workload);
        };
        return cast(workload, result);
    }

    /** A copy of the workload with {@code edit} applied to its own metadata (for a Job, the job part's). */
    static <W extends HasMetadata> W withOwnMetadata(W workload, UnaryOperator<ObjectMeta> edit) {
        HasMetadata result = switch (workload) {
            case Job j -> new JobBuilder(j).withMetadata(edit.apply(j.getMetadata())).build();
            case CronJob cron -> new CronJobBuilder(cron).withMetadata(edit.apply(cron.getMetadata())).build();
            default -> throw notAWorkload(workload);
        };
        return cast(workload, result);
    }

    /** A copy of the workload with {@code edit} applied to its job part. */
    static <W extends HasMetadata> W editJobPart(W workload, UnaryOperator<JobTemplateSpec> edit) {
        return withJobPart(workload, edit.apply(jobPart(workload)));
    }

    @SuppressWarnings("unchecked")
    private static <W extends HasMetadata> W cast(W original, HasMetadata result) {
        return (W) original.getClass().cast(result);
    }

    private static IllegalArgumentException notAWorkload(HasMetadata workload) {
        return new IllegalArgumentException("only Jobs and CronJobs are rendered, not "
                + (workload == null ? "null" : workload.getClass().getSimpleName()));
    }
}
