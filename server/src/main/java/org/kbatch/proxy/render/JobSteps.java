package org.kbatch.proxy.render;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpec;
import org.kbatch.proxy.model.ShallowCopy;
import org.kbatch.proxy.naming.UsernameLabel;

/**
 * The small steps of the submission policy, each a pure function from job to new job. A job here is a
 * {@link JobTemplateSpec}: a Job's metadata and spec, or a CronJob's {@code spec.jobTemplate}.
 */
final class JobSteps {

    private JobSteps() {
    }

    /** Fails with a 422 unless the job has a pod template with at least one container: every later step needs it. */
    static JobTemplateSpec requireContainers(JobTemplateSpec job) {
        JobSpec spec = job.getSpec();
        if (spec == null || spec.getTemplate() == null || spec.getTemplate().getSpec() == null
                || spec.getTemplate().getSpec().getContainers() == null
                || spec.getTemplate().getSpec().getContainers().isEmpty()) {
            throw new InvalidSubmissionException("The job has no containers (spec.template.spec.containers)");
        }
        return job;
    }

    /** The job and its pod template in {@code namespace}, whatever the user asked for. */
    static JobTemplateSpec forceNamespace(JobTemplateSpec job, String namespace) {
        JobTemplateSpec namespaced = Models.withJobMetadata(job, meta -> Models.withNamespace(meta, namespace));
        return Models.withPodMetadata(namespaced, meta -> Models.withNamespace(meta, namespace));
    }

    /** Annotation {@code kbatch.jupyter.org/username} = the raw username, on the job and its pod template. */
    static JobTemplateSpec addUsernameAnnotation(JobTemplateSpec job, String username) {
        JobTemplateSpec annotated = Models.withJobMetadata(job,
                meta -> Models.withAnnotation(meta, UsernameLabel.KEY, username));
        return Models.withPodMetadata(annotated, meta -> Models.withAnnotation(meta, UsernameLabel.KEY, username));
    }

    /** Label {@code kbatch.jupyter.org/username} = {@code label} ({@link UsernameLabel}), on job and pod template. */
    static JobTemplateSpec addUsernameLabel(JobTemplateSpec job, String label) {
        JobTemplateSpec labelled = Models.withJobMetadata(job,
                meta -> Models.withLabel(meta, UsernameLabel.KEY, label));
        return Models.withPodMetadata(labelled, meta -> Models.withLabel(meta, UsernameLabel.KEY, label));
    }

    /** The administrator's extra env ({@code KBATCH_JOB_EXTRA_ENV}), in order, after the first container's env. */
    static JobTemplateSpec addExtraEnv(JobTemplateSpec job, Map<String, String> extraEnv) {
        List<EnvVar> vars = extraEnv.entrySet().stream()
                .map(e -> new EnvVar(e.getKey(), e.getValue(), null))
                .toList();
        return appendEnv(job, vars);
    }

    /** {@code JUPYTER_IMAGE} and {@code JUPYTER_IMAGE_SPEC} = the first container's image, as on a hub server. */
    static JobTemplateSpec addJupyterImageEnv(JobTemplateSpec job) {
        String image = Models.firstContainer(job).getImage();
        return appendEnv(job, List.of(
                new EnvVar("JUPYTER_IMAGE", image, null),
                new EnvVar("JUPYTER_IMAGE_SPEC", image, null)));
    }

    /** {@code JUPYTERHUB_API_TOKEN} = the caller's token, so the job can call the hub as its user; none without. */
    static JobTemplateSpec addApiTokenEnv(JobTemplateSpec job, String token) {
        if (token == null || token.isEmpty()) {
            return job;
        }
        return appendEnv(job, List.of(new EnvVar("JUPYTERHUB_API_TOKEN", token, null)));
    }

    /** {@code spec.ttlSecondsAfterFinished} = the configured value, replacing the user's. */
    static JobTemplateSpec setTtlSecondsAfterFinished(JobTemplateSpec job, long ttlSecondsAfterFinished) {
        int ttl = Math.toIntExact(ttlSecondsAfterFinished);
        return Models.withJobSpec(job, spec -> ShallowCopy.with(spec, s -> s.setTtlSecondsAfterFinished(ttl)));
    }

    /**
     * Appends the proxy's variables to the first container's env. A variable of the same name that the user set is
     * dropped: what the proxy injects (the admin's extra env, the image, the caller's own token) cannot be overridden.
     */
    private static JobTemplateSpec appendEnv(JobTemplateSpec job, List<EnvVar> vars) {
        if (vars.isEmpty()) {
            return job;
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        vars.forEach(v -> names.add(v.getName()));
        return Models.withFirstContainer(job, (Container c) -> ShallowCopy.with(c, copy -> {
            List<EnvVar> env = new java.util.ArrayList<>();
            if (c.getEnv() != null) {
                c.getEnv().stream().filter(e -> !names.contains(e.getName())).forEach(env::add);
            }
            env.addAll(vars);
            copy.setEnv(env);
        }));
    }
}
