package org.kbatch.proxy.kube;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.LimitRangeBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.kbatch.proxy.errors.ApiException;
import org.kbatch.proxy.metrics.ProxyMetrics;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Calls on single objects, through the one shared fabric8 client: creating a submission's Secret, ConfigMap
 * and Job or CronJob in the namespace it names, making the workload their owner, deleting them again (the rollback of
 * a failed submission, by object and by the submission's label), the admin's ResourceQuota and LimitRange, and
 * reading or deleting one Job, CronJob or Pod by name. A submission's creates and owner patches are plain requests
 * ({@link RawRequests}) of fabric8's JSON of the objects; the rest are fabric8's typed calls. Nothing here decides
 * which namespace a user may use or which objects they may see: the namespace comes with each call, and whose an
 * object is, {@code tenancy.Ownership} checks.
 *
 * <p>Failures are fabric8's {@link KubernetesClientException}, carrying the API's {@code Status} (relayed by the error
 * mapping with its code: 409 for a name taken, 422 for what the API server refuses, 403 for a quota); a create in a
 * namespace that is gone is a 404 that {@link Namespaces#isMissingNamespace} recognises. A 409 on
 * {@link #createIfMissing} is fine. A missing object: a read answers empty; {@link #deleteJob} and
 * {@link #deleteCronJob} are the 404 Kubernetes would answer ({@code ApiException}); the rollback's deletes take
 * gone as done.
 */
public final class KubernetesObjects {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final KubernetesClient client;
    private final RawRequests raw;
    private final ProxyMetrics metrics;

    public KubernetesObjects(KubernetesClient client, RawRequests raw, ProxyMetrics metrics) {
        this.client = client;
        this.raw = raw;
        this.metrics = metrics;
    }

    /** Creates a ResourceQuota or LimitRange in the namespace unless one of that name exists (409). */
    public void createIfMissing(String namespace, HasMetadata object) {
        try {
            if (object instanceof ResourceQuota quota) {
                metrics.kubernetes("create-resourcequota", () -> client.resourceQuotas().inNamespace(namespace)
                        .resource(new ResourceQuotaBuilder(quota).build()).create());
            } else if (object instanceof LimitRange limits) {
                metrics.kubernetes("create-limitrange", () -> client.limitRanges().inNamespace(namespace)
                        .resource(new LimitRangeBuilder(limits).build()).create());
            } else {
                throw new IllegalArgumentException("only ResourceQuotas and LimitRanges: " + object.getKind());
            }
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    public Secret create(String namespace, Secret secret) {
        return withGeneratedName(secret, () -> metrics.kubernetes("create-secret",
                () -> post(ApiPath.of("api", "v1", "namespaces", namespace, "secrets"), secret, "create secret")));
    }

    public ConfigMap create(String namespace, ConfigMap configMap) {
        return withGeneratedName(configMap, () -> metrics.kubernetes("create-configmap",
                () -> post(ApiPath.of("api", "v1", "namespaces", namespace, "configmaps"), configMap,
                        "create configmap")));
    }

    public Job create(String namespace, Job job) {
        return withGeneratedName(job, () -> metrics.kubernetes("create-job",
                () -> post(ApiPath.of("apis", "batch", "v1", "namespaces", namespace, "jobs"), job, "create job")));
    }

    public CronJob create(String namespace, CronJob cronJob) {
        return withGeneratedName(cronJob, () -> metrics.kubernetes("create-cronjob",
                () -> post(ApiPath.of("apis", "batch", "v1", "namespaces", namespace, "cronjobs"), cronJob,
                        "create cronjob")));
    }

    /**
     * Creates the object with a plain POST of fabric8's JSON of it (what fabric8's typed create sends) and answers it
     * as the API server created it.
     */
    @SuppressWarnings("unchecked")
    private <T extends HasMetadata> T post(ApiPath path, T object, String what) {
        var serialization = client.getKubernetesSerialization();
        byte[] created = raw.post(path, serialization.asJson(object), what);
        return (T) serialization.unmarshal(new ByteArrayInputStream(created), object.getClass());
    }

    /** How often an object named by {@code generateName} is created before a name collision is the caller's 409. */
    static final int GENERATED_NAME_ATTEMPTS = 3;

    /**
     * Creates again when the name the API server generated was taken. Before Kubernetes 1.31 (which retries itself)
     * the API server answers such a collision with a 409 AlreadyExists that asks the client to try again: 5 random
     * characters of 27 make one in ~14 million per create and per object of the namespace, so a user namespace of
     * thousands of jobs, Secrets and ConfigMaps meets one every few thousand submissions (the benchmark did). The
     * object was not created, so trying again leaves nothing behind; an object with a name of its own is not retried
     * (its 409 is the user's).
     */
    static <T extends HasMetadata> T withGeneratedName(T object, java.util.function.Supplier<T> create) {
        var meta = object.getMetadata();
        boolean generated = meta != null && (meta.getName() == null || meta.getName().isEmpty())
                && meta.getGenerateName() != null && !meta.getGenerateName().isEmpty();
        for (int attempt = 1; ; attempt++) {
            try {
                return create.get();
            } catch (KubernetesClientException e) {
                if (!generated || e.getCode() != 409 || attempt == GENERATED_NAME_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /**
     * Makes {@code owner} the owner of a Secret or ConfigMap (a JSON merge patch of ownerReferences). {@code owned} is
     * the object as created. A plain PATCH of its path (fabric8's {@code withName(n).patch} would read it first, which
     * would need {@code get} on secrets, reading every Secret of every user namespace); the answer is not read.
     */
    public void setOwner(HasMetadata owned, OwnerReference owner) {
        String patch = JSON.writeValueAsString(Map.of("metadata", Map.of("ownerReferences",
                List.of(Map.of(
                        "apiVersion", owner.getApiVersion(),
                        "kind", owner.getKind(),
                        "name", owner.getName(),
                        "uid", owner.getUid())))));
        String ns = owned.getMetadata().getNamespace();
        String name = owned.getMetadata().getName();
        if (owned instanceof Secret) {
            metrics.kubernetes("patch-secret", () -> raw.mergePatch(
                    ApiPath.of("api", "v1", "namespaces", ns, "secrets", name), patch, "patch secret"));
        } else if (owned instanceof ConfigMap) {
            metrics.kubernetes("patch-configmap", () -> raw.mergePatch(
                    ApiPath.of("api", "v1", "namespaces", ns, "configmaps", name), patch, "patch configmap"));
        } else {
            throw new IllegalArgumentException("only Secrets and ConfigMaps are owned: " + owned.getKind());
        }
    }

    /** Deletes an object this proxy created (rollback of a failed submission); gone already is fine. */
    public void deleteCreated(HasMetadata created) {
        metrics.kubernetes("rollback", () -> deleteCreatedNow(created));
    }

    private void deleteCreatedNow(HasMetadata created) {
        String ns = created.getMetadata().getNamespace();
        String name = created.getMetadata().getName();
        if (created instanceof Secret) {
            client.secrets().inNamespace(ns).withName(name).delete();
        } else if (created instanceof ConfigMap) {
            client.configMaps().inNamespace(ns).withName(name).delete();
        } else if (created instanceof Job) {
            client.batch().v1().jobs().inNamespace(ns).withName(name)
                    .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        } else if (created instanceof CronJob) {
            client.batch().v1().cronjobs().inNamespace(ns).withName(name)
                    .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        }
    }

    /** Deletes the Secrets, ConfigMaps, Jobs and CronJobs in the namespace that carry this label value. */
    public void deleteLabelled(String namespace, String label, String value) {
        metrics.kubernetes("rollback-sweep", () -> deleteLabelledNow(namespace, label, value));
    }

    private void deleteLabelledNow(String namespace, String label, String value) {
        client.batch().v1().jobs().inNamespace(namespace).withLabel(label, value)
                .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        client.batch().v1().cronjobs().inNamespace(namespace).withLabel(label, value)
                .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        client.secrets().inNamespace(namespace).withLabel(label, value).delete();
        client.configMaps().inNamespace(namespace).withLabel(label, value).delete();
    }

    /** The job of that name in the namespace, whoever's it is; empty when there is none. */
    public Optional<Job> job(String namespace, String name) {
        return Optional.ofNullable(metrics.kubernetes("get-job",
                () -> client.batch().v1().jobs().inNamespace(namespace).withName(name).get()));
    }

    /** The cronjob of that name in the namespace, whoever's it is; empty when there is none. */
    public Optional<CronJob> cronJob(String namespace, String name) {
        return Optional.ofNullable(metrics.kubernetes("get-cronjob",
                () -> client.batch().v1().cronjobs().inNamespace(namespace).withName(name).get()));
    }

    /**
     * Sets a cronjob's {@code spec.suspend} (a JSON merge patch of that one field) and answers the cronjob as it now
     * is. The patch goes through {@code resource(...)}: fabric8's {@code withName(n).patch} would GET the object first.
     */
    public CronJob suspendCronJob(CronJob cronJob, boolean suspend) {
        String patch = "{\"spec\":{\"suspend\":" + suspend + "}}";
        return metrics.kubernetes("patch-cronjob", () -> client.batch().v1().cronjobs()
                .inNamespace(cronJob.getMetadata().getNamespace()).resource(cronJob)
                .patch(PatchContext.of(PatchType.JSON_MERGE), patch));
    }

    /** The pod of that name in the namespace, whoever's it is; empty when there is none. */
    public Optional<Pod> pod(String namespace, String name) {
        return Optional.ofNullable(metrics.kubernetes("get-pod",
                () -> client.pods().inNamespace(namespace).withName(name).get()));
    }

    /**
     * Deletes a job (foreground: its pods, Secret and ConfigMap, which it owns, go first); a 404 when there is none of
     * that name.
     */
    public Status deleteJob(String namespace, String name) {
        return status(metrics.kubernetes("delete-job", () -> client.batch().v1().jobs().inNamespace(namespace)
                .withName(name).withPropagationPolicy(DeletionPropagation.FOREGROUND).delete()), "jobs.batch", name);
    }

    /**
     * Deletes a cronjob (foreground: the jobs it started, their pods and its Secret/ConfigMap go with it); a 404 when
     * there is none of that name.
     */
    public Status deleteCronJob(String namespace, String name) {
        return status(metrics.kubernetes("delete-cronjob", () -> client.batch().v1().cronjobs()
                .inNamespace(namespace).withName(name).withPropagationPolicy(DeletionPropagation.FOREGROUND)
                .delete()), "cronjobs.batch", name);
    }

    /** The {@code Status} Kubernetes answers a delete with; fabric8 answers a delete of nothing with no details. */
    private static Status status(List<StatusDetails> deleted, String resource, String name) {
        if (deleted == null || deleted.isEmpty()) {
            throw new ApiException(404, resource + " \"" + name + "\" not found");
        }
        return new StatusBuilder().withApiVersion("v1").withKind("Status").withStatus("Success")
                .withDetails(deleted.getFirst()).build();
    }
}
