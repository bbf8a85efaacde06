package org.kbatch.proxy.render;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpec;
import org.kbatch.proxy.caller.Caller;
import org.kbatch.proxy.naming.UsernameLabel;

/**
 * The submission policy: what the proxy makes of a user's Job or CronJob before it reaches Kubernetes. The steps are
 * pure functions (see {@link ProfileFields}, {@link JobSteps}, {@link CodeSteps}, {@link EnvSecret},
 * {@link TemplateMerge}); this is the one
 * place they are composed, in the order the policy is read. For a CronJob they apply to its
 * {@code spec.jobTemplate}, the job it runs.
 */
public final class JobRenderer {

    private JobRenderer() {
    }

    /**
     * Renders a submission. Neither argument is modified.
     *
     * @param workload the user's Job or CronJob
     * @param code     the user's code ConfigMap, or {@code null}
     * @throws InvalidSubmissionException when the job cannot run (no containers, reserved volume names)
     */
    public static <W extends HasMetadata> RenderedSubmission<W> render(W workload, ConfigMap code, Caller caller,
                                                                      RenderSettings settings) {
        String username = caller.username();
        String namespace = caller.namespace();
        String label = UsernameLabel.of(username);
        // The Secret, the ConfigMap and the init container are named after the workload (not a CronJob's job
        // template, whose names Kubernetes ignores).
        String baseName = Models.baseName(workload.getMetadata());
        String companionPrefix = Models.companionPrefix(workload.getMetadata());

        // {username}, {namespace}, ... in the admin's template and extra env stand for this caller's values.
        Map<String, String> placeholders = Placeholders.of(caller);

        JobTemplateSpec job = Workloads.jobPart(workload);
        job = TemplateMerge.mergeAdminTemplate(job, Placeholders.expandTree(settings.jobTemplate(), placeholders));
        job = JobSteps.requireContainers(job);
        job = JobSteps.forceNamespace(job, namespace);
        job = JobSteps.addUsernameAnnotation(job, username);
        job = JobSteps.addUsernameLabel(job, label);
        job = JobSteps.addExtraEnv(job, Placeholders.expandValues(settings.extraEnv(), placeholders));
        job = JobSteps.addJupyterImageEnv(job);
        job = JobSteps.addApiTokenEnv(job, caller.token());
        job = JobSteps.setTtlSecondsAfterFinished(job, settings.ttlSecondsAfterFinished());
        int parts = code == null ? 0 : CodeSteps.partCount(code);
        if (code != null) {
            job = CodeSteps.addUnzipInitContainer(job, baseName, settings.initImage(), settings.initImagePullPolicy(),
                    parts);
            job = CodeSteps.addCodeVolumes(job, parts);
            job = CodeSteps.mountCode(job);
        }
        EnvSecret.Extraction extraction = EnvSecret.extract(job, namespace, companionPrefix);

        W rendered = Workloads.withJobPart(workload, extraction.job());
        // A CronJob's own metadata gets the namespace and identity of the jobs it runs too (the reference leaves it
        // bare), so it can be found by label; for a Job this is its job part again, already done.
        rendered = Workloads.withOwnMetadata(rendered, meta -> identified(meta, namespace, username, label));
        List<ConfigMap> codeMaps = code == null ? List.of() : CodeSteps.codeConfigMaps(code, namespace, label,
                companionPrefix, parts);
        return new RenderedSubmission<>(namespace, rendered, extraction.secret(), codeMaps);
    }

    /**
     * The workload with the placeholders of a profile the CLI copied into it filled in ({@link ProfileFields}): the
     * first thing done with a submission, so that every check sees the caller's values.
     */
    public static <W extends HasMetadata> W withProfilePlaceholders(W workload, Caller caller) {
        JobTemplateSpec job = Workloads.jobPart(workload);
        JobTemplateSpec expanded = ProfileFields.expandPlaceholders(job, caller);
        return expanded == job ? workload : Workloads.withJobPart(workload, expanded);
    }

    /** The workload with the created env Secret's name in the env references {@link #render} made. */
    public static <W extends HasMetadata> W withSecretName(W workload, String secretName) {
        return Workloads.editJobPart(workload, job -> EnvSecret.withSecretName(job, secretName));
    }

    /** The workload with the created code ConfigMaps' names (in part order) in its {@code code-source-volume}. */
    public static <W extends HasMetadata> W withCodeConfigMapNames(W workload, List<String> configMapNames) {
        return Workloads.editJobPart(workload, job -> CodeSteps.withCodeConfigMapNames(job, configMapNames));
    }

    /**
     * The owner reference to put on the Secret and ConfigMap once the workload exists, so Kubernetes deletes them
     * with it: {@code {apiVersion: batch/v1, kind, name, uid}}.
     *
     * @param created the workload as the API server returned it (with name and uid)
     */
    public static OwnerReference ownerReference(HasMetadata created) {
        ObjectMeta meta = created.getMetadata();
        if (meta == null || meta.getName() == null || meta.getUid() == null) {
            throw new IllegalArgumentException("the owner must have been created (have a name and uid)");
        }
        String kind = created.getKind() != null ? created.getKind() : HasMetadata.getKind(created.getClass());
        return new OwnerReferenceBuilder()
                .withApiVersion("batch/v1")
                .withKind(kind)
                .withName(meta.getName())
                .withUid(meta.getUid())
                .build();
    }

    /**
     * A job started now from a cronjob, as {@code kubectl create job --from=cronjob/NAME} makes it: the cronjob's job
     * template (rendered when the cronjob was submitted: its env Secret, code ConfigMap, labels and username), named
     * {@code NAME-manual-xxxxx}, annotated {@code cronjob.kubernetes.io/instantiate: manual} and owned by the cronjob
     * (as its controller), so it is deleted with it and counts among its jobs.
     *
     * @param cronJob the cronjob as the API server holds it (with name, namespace and uid)
     */
    public static Job manualRun(CronJob cronJob) {
        ObjectMeta cron = cronJob.getMetadata();
        JobTemplateSpec template = cronJob.getSpec().getJobTemplate();
        ObjectMeta meta = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
        // A job's name ends up in its pods' job-name label: at most 63 characters with the 5 Kubernetes appends.
        String prefix = cron.getName() + "-manual-";
        if (prefix.length() > 58) {
            prefix = cron.getName().substring(0, 58 - "-manual-".length()) + "-manual-";
        }
        OwnerReference owner = new OwnerReferenceBuilder(ownerReference(cronJob)).withController(true)
                .withBlockOwnerDeletion(true).build();
        return new JobBuilder()
                .withApiVersion("batch/v1").withKind("Job")
                .withNewMetadata()
                .withGenerateName(prefix)
                .withNamespace(cron.getNamespace())
                .withLabels(meta.getLabels())
                .withAnnotations(meta.getAnnotations())
                .addToAnnotations("cronjob.kubernetes.io/instantiate", "manual")
                .withOwnerReferences(owner)
                .endMetadata()
                .withSpec(template.getSpec())
                .build();
    }

    private static ObjectMeta identified(ObjectMeta meta, String namespace, String username, String label) {
        ObjectMeta namespaced = Models.withNamespace(meta, namespace);
        return Models.withLabel(Models.withAnnotation(namespaced, UsernameLabel.KEY, username), UsernameLabel.KEY,
                label);
    }
}
