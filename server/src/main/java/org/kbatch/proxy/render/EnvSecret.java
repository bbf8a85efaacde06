package org.kbatch.proxy.render;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpec;
import org.kbatch.proxy.model.ShallowCopy;

/**
 * Moving literal env values out of the job into a Secret, so tokens and other values are not readable from the
 * Job object. Every env var with a {@code value}, in every container and init container, becomes a
 * {@code valueFrom.secretKeyRef}; the Secret holds the values base64-encoded under the env var's name.
 *
 * <p>Kubernetes generates the Secret's name on creation, so the references first name {@link #PENDING_SECRET_NAME}
 * and {@link #withSecretName} fills in the real name, finding exactly those references by that placeholder.
 */
final class EnvSecret {

    /** Stands for the Secret's name until Kubernetes has generated it; not a valid name, so never a real one. */
    static final String PENDING_SECRET_NAME = "<pending-env-secret>";

    /** The job with its literal env values moved out, and the Secret holding them ({@code null} if there were none). */
    record Extraction(JobTemplateSpec job, Secret secret) {
    }

    private EnvSecret() {
    }

    /**
     * The step. The Secret gets {@code generateName} (the workload's, or its name + {@code -}: see
     * {@link Models#companionPrefix}) and the job's labels, so it is found and cleaned up like the job. An env var
     * name used with different values in two containers gets a second key ({@code NAME-2}, ...) so that every
     * container keeps its own value; a name that cannot be a Secret key ({@code MY VAR}) is stored under one that can.
     */
    static Extraction extract(JobTemplateSpec job, String namespace, String generateName) {
        Map<String, String> data = new LinkedHashMap<>();
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        List<Container> containers = moveValues(pod.getContainers(), data);
        List<Container> initContainers = pod.getInitContainers() == null ? null
                : moveValues(pod.getInitContainers(), data);
        if (data.isEmpty()) {
            return new Extraction(job, null);
        }
        JobTemplateSpec extracted = Models.withPodSpec(job, p -> ShallowCopy.with(p, copy -> {
            copy.setContainers(containers);
            copy.setInitContainers(initContainers);
        }));
        ObjectMeta jobMeta = job.getMetadata() == null ? new ObjectMeta() : job.getMetadata();
        Secret secret = new SecretBuilder()
                .withNewMetadata()
                .withGenerateName(generateName)
                .withNamespace(namespace)
                .withLabels(jobMeta.getLabels() == null ? null : new LinkedHashMap<>(jobMeta.getLabels()))
                .endMetadata()
                .withType("Opaque")
                .withData(data)
                .build();
        return new Extraction(extracted, secret);
    }

    /** The job with the created Secret's name in the references {@link #extract} made (and no others). */
    static JobTemplateSpec withSecretName(JobTemplateSpec job, String secretName) {
        Objects.requireNonNull(secretName, "secretName");
        return Models.withEveryContainer(job, c -> c.getEnv() == null || c.getEnv().stream().noneMatch(EnvSecret::isPendingRef)
                ? c
                : ShallowCopy.with(c, copy -> copy.setEnv(
                        c.getEnv().stream().map(e -> isPendingRef(e) ? named(e, secretName) : e).toList())));
    }

    private static List<Container> moveValues(List<Container> containers, Map<String, String> data) {
        List<Container> out = new ArrayList<>(containers.size());
        for (Container c : containers) {
            if (c.getEnv() == null || c.getEnv().stream().noneMatch(EnvSecret::isLiteral)) {
                out.add(c);
                continue;
            }
            List<EnvVar> env = new ArrayList<>(c.getEnv().size());
            for (EnvVar e : c.getEnv()) {
                if (!isLiteral(e)) {
                    env.add(e);
                    continue;
                }
                String encoded = Base64.getEncoder().encodeToString(e.getValue().getBytes(StandardCharsets.UTF_8));
                String key = keyFor(e.getName(), encoded, data);
                data.put(key, encoded);
                env.add(new EnvVarBuilder()
                        .withName(e.getName())
                        .withNewValueFrom()
                        .withNewSecretKeyRef().withKey(key).withName(PENDING_SECRET_NAME).endSecretKeyRef()
                        .endValueFrom()
                        .build());
            }
            out.add(ShallowCopy.with(c, copy -> copy.setEnv(env)));
        }
        return out;
    }

    /**
     * A literal value to move: a {@code value} without a {@code valueFrom}. (Kubernetes lets an empty value stand
     * next to a {@code valueFrom}, which then counts; a non-empty one with it is refused before rendering.)
     */
    private static boolean isLiteral(EnvVar e) {
        return e.getValue() != null && e.getValueFrom() == null;
    }

    /** The env var's name (made a valid Secret key), unless that key already holds a different value. */
    private static String keyFor(String name, String encoded, Map<String, String> data) {
        String base = secretKey(name);
        String key = base;
        for (int n = 2; data.containsKey(key) && !data.get(key).equals(encoded); n++) {
            key = base + "-" + n;
        }
        return key;
    }

    /**
     * A Secret key for an env var name. Kubernetes allows any printable name but '=' for a variable, and only
     * {@code [-._a-zA-Z0-9]} (at most 253, not starting with {@code ..}) for a Secret key: other characters become
     * {@code _}.
     */
    static String secretKey(String name) {
        String key = name.replaceAll("[^-._a-zA-Z0-9]", "_");
        if (key.startsWith("..") || key.equals(".")) {
            key = "_" + key;
        }
        return key.length() > 240 ? key.substring(0, 240) : key;
    }

    private static boolean isPendingRef(EnvVar e) {
        return e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null
                && PENDING_SECRET_NAME.equals(e.getValueFrom().getSecretKeyRef().getName());
    }

    private static EnvVar named(EnvVar e, String secretName) {
        return new EnvVarBuilder(e).editValueFrom().editSecretKeyRef().withName(secretName).endSecretKeyRef()
                .endValueFrom().build();
    }
}
