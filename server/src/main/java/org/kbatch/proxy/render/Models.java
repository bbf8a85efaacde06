package org.kbatch.proxy.render;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpecBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Pure edits of fabric8 models: each returns a new model (builders copy the whole tree) and leaves its input as it
 * was. A job is handled as a {@link JobTemplateSpec} (metadata + job spec), which is both a Job's content and a
 * CronJob's {@code spec.jobTemplate}.
 */
final class Models {

    /** fabric8's own (Jackson 3) mapping of the models; thread-safe once built. */
    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private Models() {
    }

    static ObjectMeta withNamespace(ObjectMeta meta, String namespace) {
        return new ObjectMetaBuilder(orEmpty(meta)).withNamespace(namespace).build();
    }

    static ObjectMeta withLabel(ObjectMeta meta, String key, String value) {
        return new ObjectMetaBuilder(orEmpty(meta)).addToLabels(key, value).build();
    }

    static ObjectMeta withAnnotation(ObjectMeta meta, String key, String value) {
        return new ObjectMetaBuilder(orEmpty(meta)).addToAnnotations(key, value).build();
    }

    /** The job with {@code edit} applied to its own metadata. */
    static JobTemplateSpec withJobMetadata(JobTemplateSpec job, UnaryOperator<ObjectMeta> edit) {
        return new JobTemplateSpecBuilder(job).withMetadata(edit.apply(job.getMetadata())).build();
    }

    /** The job with {@code edit} applied to its pod template's metadata. */
    static JobTemplateSpec withPodMetadata(JobTemplateSpec job, UnaryOperator<ObjectMeta> edit) {
        ObjectMeta podMeta = job.getSpec().getTemplate().getMetadata();
        return new JobTemplateSpecBuilder(job)
                .editSpec().editTemplate().withMetadata(edit.apply(podMeta)).endTemplate().endSpec()
                .build();
    }

    /** The job with {@code edit} applied to its pod spec. */
    static JobTemplateSpec withPodSpec(JobTemplateSpec job, UnaryOperator<PodSpec> edit) {
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        return new JobTemplateSpecBuilder(job)
                .editSpec().editTemplate().withSpec(edit.apply(pod)).endTemplate().endSpec()
                .build();
    }

    /** The job with {@code edit} applied to the first container, the user's (the policy says "first"). */
    static JobTemplateSpec withFirstContainer(JobTemplateSpec job, UnaryOperator<Container> edit) {
        return withPodSpec(job, pod -> {
            List<Container> containers = new ArrayList<>(pod.getContainers());
            containers.set(0, edit.apply(containers.getFirst()));
            return new PodSpecBuilder(pod).withContainers(containers).build();
        });
    }

    static Container firstContainer(JobTemplateSpec job) {
        return job.getSpec().getTemplate().getSpec().getContainers().getFirst();
    }

    /** The job with {@code edit} applied to every container and init container, in order. */
    static JobTemplateSpec withEveryContainer(JobTemplateSpec job, UnaryOperator<Container> edit) {
        return withPodSpec(job, pod -> new PodSpecBuilder(pod)
                .withContainers(pod.getContainers().stream().map(edit).toList())
                .withInitContainers(pod.getInitContainers() == null ? null
                        : pod.getInitContainers().stream().map(edit).toList())
                .build());
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
