package org.kbatch.proxy.policy;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

import io.fabric8.kubernetes.api.model.Container;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;

/**
 * Where the rules find the job and the pod of a Job or a CronJob (whose job is its {@code spec.job_template}), and
 * the paths they name them by in a refusal, in the wire format's snake_case.
 */
final class PodSpecs {

    private PodSpecs() {
    }

    /** The path of the pod spec in a refusal. */
    static String podPath(HasMetadata workload) {
        return jobPath(workload) + ".template.spec";
    }

    /** The path of the job spec in a refusal. */
    static String jobPath(HasMetadata workload) {
        return workload instanceof CronJob ? "job.spec.job_template.spec" : "job.spec";
    }

    /**
     * Visits the init containers, then the containers, each with its path in a refusal
     * ({@code <base>.init_containers[i]}, {@code <base>.containers[i]}).
     */
    static void forEachContainer(PodSpec pod, String base, BiConsumer<Container, String> visit) {
        List<Container> init = pod.getInitContainers() == null ? List.of() : pod.getInitContainers();
        for (int i = 0; i < init.size(); i++) {
            visit.accept(init.get(i), base + ".init_containers[" + i + "]");
        }
        List<Container> containers = pod.getContainers() == null ? List.of() : pod.getContainers();
        for (int i = 0; i < containers.size(); i++) {
            visit.accept(containers.get(i), base + ".containers[" + i + "]");
        }
    }

    static JobSpec jobSpec(HasMetadata workload) {
        if (workload instanceof Job job) {
            return job.getSpec();
        }
        if (workload instanceof CronJob cronJob && cronJob.getSpec() != null
                && cronJob.getSpec().getJobTemplate() != null) {
            return cronJob.getSpec().getJobTemplate().getSpec();
        }
        return null;
    }

    static PodSpec podSpec(HasMetadata workload) {
        JobSpec job = jobSpec(workload);
        PodTemplateSpec template = job == null ? null : job.getTemplate();
        return template == null ? null : template.getSpec();
    }

    /** A copy of the workload with its pod spec edited; the input is not modified. No pod spec: unchanged. */
    static <W extends HasMetadata> W editPodSpec(W workload, UnaryOperator<PodSpec> edit) {
        if (podSpec(workload) == null) {
            return workload;
        }
        return editJobSpec(workload, job -> new io.fabric8.kubernetes.api.model.batch.v1.JobSpecBuilder(job)
                .editTemplate().withSpec(edit.apply(job.getTemplate().getSpec())).endTemplate().build());
    }

    /** A copy of the workload with its job spec edited; the input is not modified. No job spec: unchanged. */
    @SuppressWarnings("unchecked")
    static <W extends HasMetadata> W editJobSpec(W workload, UnaryOperator<JobSpec> edit) {
        if (jobSpec(workload) == null) {
            return workload;
        }
        if (workload instanceof Job job) {
            return (W) new JobBuilder(job).withSpec(edit.apply(job.getSpec())).build();
        }
        CronJob cronJob = (CronJob) workload;
        return (W) new CronJobBuilder(cronJob).editSpec().editJobTemplate()
                .withSpec(edit.apply(cronJob.getSpec().getJobTemplate().getSpec())).endJobTemplate().endSpec().build();
    }
}
