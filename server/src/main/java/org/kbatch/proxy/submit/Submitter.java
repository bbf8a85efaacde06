package org.kbatch.proxy.submit;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.kbatch.proxy.caller.Caller;
import org.kbatch.proxy.kube.KubernetesObjects;
import org.kbatch.proxy.kube.Namespaces;
import org.kbatch.proxy.policy.AllowedImages;
import org.kbatch.proxy.policy.ApiServerRules;
import org.kbatch.proxy.policy.ContainerResources;
import org.kbatch.proxy.policy.Deadlines;
import org.kbatch.proxy.policy.GroupPolicies;
import org.kbatch.proxy.policy.OperatorPolicy;
import org.kbatch.proxy.policy.PodSecurityPolicy;
import org.kbatch.proxy.policy.SharedNamespaceReferences;
import org.kbatch.proxy.policy.SubmissionRules;
import org.kbatch.proxy.tenancy.SharedNamespaces;
import org.kbatch.proxy.render.JobRenderer;
import org.kbatch.proxy.render.RenderSettings;
import org.kbatch.proxy.render.RenderedSubmission;
import org.kbatch.proxy.wire.CronJobSubmission;
import org.kbatch.proxy.wire.JobSubmission;

/**
 * Carries out a submission in the reference's order: render, ensure the namespace, create the Secret (env values)
 * and the ConfigMap (code) in parallel, then the Job/CronJob, then make the Job/CronJob the owner of the other two
 * (both patches in parallel). If any step fails, everything this submission created is deleted again, so a failed
 * submission leaves nothing behind.
 */
public final class Submitter {

    private static final System.Logger LOG = System.getLogger(Submitter.class.getName());

    private final KubernetesObjects objects;
    private final Namespaces namespaces;
    /** Marks the namespaces the proxy created. */
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";

    /** Label carrying the id of the submission that created an object. */
    public static final String SUBMISSION_LABEL = "kbatch.jupyter.org/submission";

    private final RenderSettings settings;
    private final PodSecurityPolicy policy;
    private final GroupPolicies rules;
    private final UserLimits limits;
    private final Quotas quotas;
    private final Duration lateSweepDelay;

    /**
     * @param rules          the operator's rules (allowed images, resources, deadlines, limits), per group
     * @param lateSweepDelay when to look once more for objects of a failed submission (longer than a Kubernetes call
     *                       may take)
     */
    public Submitter(KubernetesObjects objects, Namespaces namespaces, RenderSettings settings, PodSecurityPolicy policy,
                     GroupPolicies rules, UserLimits limits, Quotas quotas, Duration lateSweepDelay) {
        this.objects = objects;
        this.namespaces = namespaces;
        this.settings = settings;
        this.policy = policy;
        this.rules = rules;
        this.limits = limits;
        this.quotas = quotas;
        this.lateSweepDelay = lateSweepDelay;
    }

    public Job submit(Caller caller, JobSubmission submission) {
        Job job = JobRenderer.withProfilePlaceholders(requireJob(submission.job()), caller);
        OperatorPolicy mine = rules.forUser(caller.groups());
        check(caller, job, "Job", submission.code(), mine);
        RenderedSubmission<Job> rendered = JobRenderer.render(SharedNamespaces.uniqueName(job, caller.placement()),
                submission.code(), caller, settings);
        RenderedSubmission<Job> ruled = applyRules(rendered, mine);
        return limits.job(caller, mine,
                () -> submit(caller, ruled, created -> objects.create(ruled.namespace(), created)));
    }

    public CronJob submit(Caller caller, CronJobSubmission submission) {
        CronJob cronJob = JobRenderer.withProfilePlaceholders(requireJob(submission.job()), caller);
        OperatorPolicy mine = rules.forUser(caller.groups());
        check(caller, cronJob, "CronJob", submission.code(), mine);
        RenderedSubmission<CronJob> rendered = JobRenderer.render(
                SharedNamespaces.uniqueName(cronJob, caller.placement()), submission.code(), caller, settings);
        RenderedSubmission<CronJob> ruled = applyRules(rendered, mine);
        return limits.cronJob(caller, mine,
                () -> submit(caller, ruled, created -> objects.create(ruled.namespace(), created)));
    }

    /**
     * A job started now from one of the caller's cronjobs ({@code kubectl create job --from=cronjob/NAME}); it counts
     * towards {@code max_active_jobs}.
     */
    public Job trigger(Caller caller, CronJob cronJob) {
        OperatorPolicy mine = rules.forUser(caller.groups());
        return limits.job(caller, mine, () -> objects.create(cronJob.getMetadata().getNamespace(),
                JobRenderer.manualRun(cronJob)));
    }

    /** What the user submitted, before rendering: its shape, what the API server would refuse, the operator's rules. */
    private static void check(Caller caller, HasMetadata workload, String kind, ConfigMap code, OperatorPolicy mine) {
        SubmissionRules.check(workload, kind, code);
        ApiServerRules.check(workload, code, caller.placement().shared());
        SharedNamespaceReferences.check(workload, caller.placement().shared());
        AllowedImages.check(workload, mine);
    }

    /** The rendered job with the operator's default resources and deadline, checked against their maximums. */
    private static <W extends HasMetadata> RenderedSubmission<W> applyRules(RenderedSubmission<W> rendered,
                                                                           OperatorPolicy mine) {
        W workload = Deadlines.apply(ContainerResources.withDefaults(rendered.workload(), mine), mine);
        ContainerResources.check(workload, mine);
        return rendered.withWorkload(workload);
    }

    private <W extends HasMetadata> W submit(Caller caller, RenderedSubmission<W> rendered,
                                             java.util.function.UnaryOperator<W> create) {
        // The pod security policy is checked on what would run, before any Kubernetes call.
        rendered = rendered.withWorkload(policy.check(policy.withDefaults(rendered.workload())));
        String namespace = rendered.namespace();
        try {
            prepareNamespace(caller, namespace);
            return createAll(rendered, create);
        } catch (KubernetesClientException e) {
            if (!caller.placement().createNamespace() || !Namespaces.isMissingNamespace(e, namespace)) {
                throw e;
            }
            // The namespace was known to exist, so it was not POSTed, but it has been deleted since (e.g. by an
            // admin, or the empty-namespace cleanup). What this attempt created is rolled back already: create the
            // namespace (and its quota) again and try once more.
            LOG.log(Level.INFO, "Namespace " + namespace + " is gone; creating it again");
            namespaces.forgetNamespace(namespace);
            quotas.forget(namespace);
            prepareNamespace(caller, namespace);
            return createAll(rendered, create);
        }
    }

    /** The namespace (when the proxy creates it) and its quota; both are skipped once known to exist. */
    private void prepareNamespace(Caller caller, String namespace) {
        if (caller.placement().createNamespace()) {
            // The cluster's Pod Security Admission enforces the same level in the namespaces the proxy creates;
            // the managed-by label marks them as the proxy's (only those are ever cleaned up).
            namespaces.ensureNamespace(namespace, Map.of(
                    "pod-security.kubernetes.io/enforce", policy.level().label(),
                    "pod-security.kubernetes.io/enforce-version", "latest",
                    MANAGED_BY, "kbatch-proxy"));
        }
        if (!caller.placement().shared()) {
            quotas.reconcile(namespace);
        }
    }

    /**
     * Creates the Secret and the ConfigMap (at once: they do not depend on each other), the workload referring to
     * them, then makes it their owner (both patches at once). If any step fails, everything created is deleted again.
     */
    private <W extends HasMetadata> W createAll(RenderedSubmission<W> rendered, java.util.function.UnaryOperator<W> create) {
        String namespace = rendered.namespace();
        // Every object of this submission carries its id, so a rollback also finds one whose creation timed out
        // on our side but went through on the API server's. Each attempt has its own id: the late sweep of a
        // failed attempt must not find the objects of the retry.
        String id = UUID.randomUUID().toString();
        // Added to from two threads at once.
        List<HasMetadata> created = Collections.synchronizedList(new ArrayList<>());
        try {
            Secret secretTemplate = rendered.secret();
            List<ConfigMap> codeTemplates = rendered.codeParts();
            // The Secret and the code's ConfigMaps do not depend on each other: the Secret and the parts one after
            // the other go at once.
            Parallel.Both<Secret, List<ConfigMap>> parts = Parallel.both(
                    () -> secretTemplate == null ? null : remember(created, objects.create(namespace,
                            new SecretBuilder(secretTemplate).editMetadata().addToLabels(SUBMISSION_LABEL, id)
                                    .endMetadata().build())),
                    () -> codeTemplates.stream().map(template -> remember(created, objects.create(namespace,
                            new ConfigMapBuilder(template).editMetadata().addToLabels(SUBMISSION_LABEL, id)
                                    .endMetadata().build()))).toList());
            Secret secret = parts.first();
            List<ConfigMap> code = parts.second();
            if (secret != null) {
                rendered = rendered.withSecretName(secret.getMetadata().getName());
            }
            if (!code.isEmpty()) {
                rendered = rendered.withCodeConfigMapNames(code.stream().map(c -> c.getMetadata().getName()).toList());
            }
            W made = remember(created, create.apply(tagged(rendered.workload(), id)));
            OwnerReference owner = JobRenderer.ownerReference(made);
            Parallel.both(() -> secret == null ? null : setOwner(secret, owner),
                    () -> {
                        code.forEach(part -> setOwner(part, owner));
                        return null;
                    });
            return made;
        } catch (RuntimeException e) {
            rollBack(List.copyOf(created));
            sweep(namespace, id);
            // A create still in flight when we gave up may land later: sweep once more after it must have.
            Thread.ofVirtual().name("kbatch-rollback-sweep").start(() -> {
                try {
                    Thread.sleep(lateSweepDelay);
                    sweep(namespace, id);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            });
            throw e;
        }
    }

    private static <T extends HasMetadata> T remember(List<HasMetadata> created, T object) {
        created.add(object);
        return object;
    }

    private Void setOwner(HasMetadata owned, OwnerReference owner) {
        objects.setOwner(owned, owner);
        return null;
    }

    /** Deletes whatever carries this submission's id. */
    private void sweep(String namespace, String id) {
        try {
            objects.deleteLabelled(namespace, SUBMISSION_LABEL, id);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Rollback could not sweep submission " + id + " in " + namespace + ": "
                    + e.getMessage());
        }
    }

    /**
     * The workload with the submission label. Only the metadata is copied: a builder would deep-copy the whole pod
     * spec to add one label. The spec is shared with the rendered workload, which nothing changes afterwards.
     */
    @SuppressWarnings("unchecked")
    private static <W extends HasMetadata> W tagged(W workload, String id) {
        ObjectMeta metadata = (workload.getMetadata() == null ? new ObjectMetaBuilder()
                : new ObjectMetaBuilder(workload.getMetadata())).addToLabels(SUBMISSION_LABEL, id).build();
        if (workload instanceof Job job) {
            Job tagged = new Job(job.getApiVersion(), job.getKind(), metadata, job.getSpec(), job.getStatus());
            tagged.setAdditionalProperties(job.getAdditionalProperties());
            return (W) tagged;
        }
        if (workload instanceof CronJob cronJob) {
            CronJob tagged = new CronJob(cronJob.getApiVersion(), cronJob.getKind(), metadata, cronJob.getSpec(),
                    cronJob.getStatus());
            tagged.setAdditionalProperties(cronJob.getAdditionalProperties());
            return (W) tagged;
        }
        return workload;
    }

    /** Deletes what was created, newest first; a failure here is logged and the next object still tried. */
    private void rollBack(List<HasMetadata> created) {
        for (int i = created.size() - 1; i >= 0; i--) {
            HasMetadata object = created.get(i);
            try {
                objects.deleteCreated(object);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Rollback could not delete " + object.getKind() + " "
                        + object.getMetadata().getNamespace() + "/" + object.getMetadata().getName() + ": "
                        + e.getMessage());
            }
        }
    }

    private static <T> T requireJob(T job) {
        if (job == null) {
            throw new org.kbatch.proxy.errors.ApiException(422, "The request body needs a 'job'");
        }
        return job;
    }
}
