package org.kbatch.proxy.render;

import java.util.function.UnaryOperator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpec;
import org.kbatch.proxy.model.ShallowCopy;

/**
 * The job inside a workload: a Job's own metadata and spec, or a CronJob's {@code spec.jobTemplate}. The job steps
 * work on that part, so Jobs and CronJobs go through the same pipeline. Edits copy only the objects they change
 * ({@link ShallowCopy}).
 */
final class Workloads {

    private Workloads() {
    }

    /**
     * The workload's job part (empty when a CronJob has none yet): a Job's metadata and spec (the same objects), or
     * a CronJob's job template itself. The steps never change it in place.
     */
    static JobTemplateSpec jobPart(HasMetadata workload) {
        return switch (workload) {
            case Job job -> new JobTemplateSpec(job.getMetadata(), job.getSpec());
            case CronJob cron -> cron.getSpec() == null || cron.getSpec().getJobTemplate() == null
                    ? new JobTemplateSpec()
                    : cron.getSpec().getJobTemplate();
            default -> throw notAWorkload(workload);
        };
    }

    /** The workload (a new object, sharing what is not edited) with its job part replaced. */
    static <W extends HasMetadata> W withJobPart(W workload, JobTemplateSpec job) {
        HasMetadata result = switch (workload) {
            case Job j -> ShallowCopy.with(j, copy -> {
                copy.setMetadata(job.getMetadata());
                copy.setSpec(job.getSpec());
            });
            case CronJob cron -> ShallowCopy.with(cron, copy -> copy.setSpec(ShallowCopy.with(
                    cron.getSpec() == null ? new CronJobSpec() : cron.getSpec(), spec -> spec.setJobTemplate(job))));
            default -> throw notAWorkload(workload);
        };
        return cast(workload, result);
    }

    /** The workload (a new object, sharing what is not edited) with {@code edit} applied to its own metadata (for a Job, the job part's). */
    static <W extends HasMetadata> W withOwnMetadata(W workload, UnaryOperator<ObjectMeta> edit) {
        HasMetadata result = switch (workload) {
            case Job j -> ShallowCopy.with(j, copy -> copy.setMetadata(edit.apply(j.getMetadata())));
            case CronJob cron -> ShallowCopy.with(cron, copy -> copy.setMetadata(edit.apply(cron.getMetadata())));
            default -> throw notAWorkload(workload);
        };
        return cast(workload, result);
    }

    /** The workload (a new object, sharing what is not edited) with {@code edit} applied to its job part. */
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
