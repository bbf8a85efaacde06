package org.kbatch.proxy.render;

import java.util.List;
import java.util.function.UnaryOperator;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.kbatch.proxy.model.ShallowCopy;

/**
 * Pure edits of fabric8 models: each returns a new model and leaves its input as it was. Only the objects on the path
 * to what changes are copied ({@link ShallowCopy}); the rest of the tree is shared, so no step may change a model it
 * was given in place. A job is handled as a {@link JobTemplateSpec} (metadata + job spec), which is both a Job's content and a
 * CronJob's {@code spec.jobTemplate}.
 */
final class Models {

    /** fabric8's own (Jackson 3) mapping of the models; thread-safe once built. */
    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private Models() {
    }

    static ObjectMeta withNamespace(ObjectMeta meta, String namespace) {
        return ShallowCopy.with(orEmpty(meta), m -> m.setNamespace(namespace));
    }

    static ObjectMeta withLabel(ObjectMeta meta, String key, String value) {
        return ShallowCopy.with(orEmpty(meta), m -> m.setLabels(ShallowCopy.put(m.getLabels(), key, value)));
    }

    static ObjectMeta withAnnotation(ObjectMeta meta, String key, String value) {
        return ShallowCopy.with(orEmpty(meta), m -> m.setAnnotations(ShallowCopy.put(m.getAnnotations(), key, value)));
    }

    /** The job with {@code edit} applied to its own metadata. */
    static JobTemplateSpec withJobMetadata(JobTemplateSpec job, UnaryOperator<ObjectMeta> edit) {
        return ShallowCopy.with(job, j -> j.setMetadata(edit.apply(job.getMetadata())));
    }

    /** The job with {@code edit} applied to its spec. */
    static JobTemplateSpec withJobSpec(JobTemplateSpec job, UnaryOperator<JobSpec> edit) {
        return ShallowCopy.with(job, j -> j.setSpec(edit.apply(job.getSpec())));
    }

    /** The job with {@code edit} applied to its pod template's metadata. */
    static JobTemplateSpec withPodMetadata(JobTemplateSpec job, UnaryOperator<ObjectMeta> edit) {
        return withPodTemplate(job, template -> ShallowCopy.with(template,
                t -> t.setMetadata(edit.apply(template.getMetadata()))));
    }

    /** The job with {@code edit} applied to its pod spec. */
    static JobTemplateSpec withPodSpec(JobTemplateSpec job, UnaryOperator<PodSpec> edit) {
        return withPodTemplate(job, template -> ShallowCopy.with(template,
                t -> t.setSpec(edit.apply(template.getSpec()))));
    }

    private static JobTemplateSpec withPodTemplate(JobTemplateSpec job, UnaryOperator<PodTemplateSpec> edit) {
        return withJobSpec(job, spec -> ShallowCopy.with(spec, s -> s.setTemplate(edit.apply(spec.getTemplate()))));
    }

    /** The job with {@code edit} applied to the first container, the user's (the policy says "first"). */
    static JobTemplateSpec withFirstContainer(JobTemplateSpec job, UnaryOperator<Container> edit) {
        return withPodSpec(job, pod -> ShallowCopy.with(pod, p -> p.setContainers(
                ShallowCopy.replaced(pod.getContainers(), 0, edit.apply(pod.getContainers().getFirst())))));
    }

    static Container firstContainer(JobTemplateSpec job) {
        return job.getSpec().getTemplate().getSpec().getContainers().getFirst();
    }

    /** The job with {@code edit} applied to every container and init container, in order. */
    static JobTemplateSpec withEveryContainer(JobTemplateSpec job, UnaryOperator<Container> edit) {
        return withPodSpec(job, pod -> ShallowCopy.with(pod, p -> {
            p.setContainers(pod.getContainers().stream().map(edit).toList());
            p.setInitContainers(pod.getInitContainers() == null ? null
                    : pod.getInitContainers().stream().map(edit).toList());
        }));
    }

    /**
     * The name the workload's companions (init container) are derived from: its own generateName, else its name
     * ({@code null} when it has neither). For a CronJob that is the CronJob's, not its job template's (which
     * Kubernetes ignores). An empty string counts as unset, as it does for the API server.
     */
    static String baseName(ObjectMeta own) {
        if (own == null) {
            return null;
        }
        return isSet(own.getGenerateName()) ? own.getGenerateName() : isSet(own.getName()) ? own.getName() : null;
    }

    /**
     * The generateName of the Secret and ConfigMap made for a workload: its own generateName, else its name and
     * {@code -}, so that they are found next to it and never collide when a fixed name is submitted twice.
     */
    static String companionPrefix(ObjectMeta own) {
        if (own != null && isSet(own.getGenerateName())) {
            return own.getGenerateName();
        }
        if (own != null && isSet(own.getName())) {
            return own.getName() + "-";
        }
        return "kbatch-";
    }

    static boolean isSet(String name) {
        return name != null && !name.isEmpty();
    }

    private static ObjectMeta orEmpty(ObjectMeta meta) {
        return meta == null ? new ObjectMeta() : meta;
    }
}
