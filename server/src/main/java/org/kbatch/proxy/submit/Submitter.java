package org.kbatch.proxy.submit;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.kbatch.proxy.http.Caller;
import org.kbatch.proxy.kube.KubernetesGateway;
import org.kbatch.proxy.policy.PodSecurityPolicy;
import org.kbatch.proxy.policy.SubmissionRules;
import org.kbatch.proxy.render.JobRenderer;
import org.kbatch.proxy.render.RenderSettings;
import org.kbatch.proxy.render.RenderedSubmission;
import org.kbatch.proxy.wire.CronJobSubmission;
import org.kbatch.proxy.wire.JobSubmission;

/**
 * Carries out a submission in the reference's order: render, ensure the namespace, create the Secret (env values),
 * the ConfigMap (code) and the Job/CronJob, then make the Job/CronJob the owner of the other two. If any step fails,
 * everything this submission created is deleted again, so a failed submission leaves nothing behind.
 */
public final class Submitter {

    private static final System.Logger LOG = System.getLogger(Submitter.class.getName());

    private final KubernetesGateway kube;
    private final RenderSettings settings;
    private final PodSecurityPolicy policy;
    private final boolean createUserNamespace;

    public Submitter(KubernetesGateway kube, RenderSettings settings, PodSecurityPolicy policy,
                     boolean createUserNamespace) {
        this.kube = kube;
        this.settings = settings;
        this.policy = policy;
        this.createUserNamespace = createUserNamespace;
    }

    public Job submit(Caller caller, JobSubmission submission) {
        SubmissionRules.check(requireJob(submission.job()), "Job", submission.code());
        RenderedSubmission<Job> rendered = JobRenderer.render(requireJob(submission.job()), submission.code(),
                renderCaller(caller), settings);
        return submit(rendered, job -> kube.create(rendered.namespace(), job));
    }

    public CronJob submit(Caller caller, CronJobSubmission submission) {
        SubmissionRules.check(requireJob(submission.job()), "CronJob", submission.code());
        RenderedSubmission<CronJob> rendered = JobRenderer.render(requireJob(submission.job()), submission.code(),
                renderCaller(caller), settings);
        return submit(rendered, cronJob -> kube.create(rendered.namespace(), cronJob));
    }

    private <W extends HasMetadata> W submit(RenderedSubmission<W> rendered, java.util.function.UnaryOperator<W> create) {
        // The pod security policy is checked on what would run, before any Kubernetes call.
        rendered = rendered.withWorkload(policy.check(policy.withDefaults(rendered.workload())));
        String namespace = rendered.namespace();
        if (createUserNamespace) {
            // The cluster's Pod Security Admission enforces the same level in the namespaces the proxy creates.
            kube.ensureNamespace(namespace, Map.of(
                    "pod-security.kubernetes.io/enforce", policy.level().label(),
                    "pod-security.kubernetes.io/enforce-version", "latest",
                    "app.kubernetes.io/managed-by", "kbatch-proxy"));
        }
        List<HasMetadata> created = new ArrayList<>();
        try {
            List<HasMetadata> owned = new ArrayList<>();
            if (rendered.secret() != null) {
                Secret secret = kube.create(namespace, rendered.secret());
                created.add(secret);
                owned.add(secret);
                rendered = rendered.withSecretName(secret.getMetadata().getName());
            }
            if (rendered.code() != null) {
                ConfigMap code = kube.create(namespace, rendered.code());
                created.add(code);
                owned.add(code);
                rendered = rendered.withCodeConfigMapName(code.getMetadata().getName());
            }
            W made = create.apply(rendered.workload());
            created.add(made);
            OwnerReference owner = JobRenderer.ownerReference(made);
            for (HasMetadata o : owned) {
                kube.setOwner(o, owner);
            }
            return made;
        } catch (RuntimeException e) {
            rollBack(created);
            throw e;
        }
    }

    /** Deletes what was created, newest first; a failure here is logged and the next object still tried. */
    private void rollBack(List<HasMetadata> created) {
        for (int i = created.size() - 1; i >= 0; i--) {
            HasMetadata object = created.get(i);
            try {
                kube.deleteCreated(object);
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

    private static org.kbatch.proxy.render.Caller renderCaller(Caller caller) {
        return new org.kbatch.proxy.render.Caller(caller.username(), caller.token());
    }
}
