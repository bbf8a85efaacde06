package org.kbatch.proxy.submit;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.kbatch.proxy.http.Caller;
import org.kbatch.proxy.kube.KubernetesGateway;
import org.kbatch.proxy.render.JobRenderer;
import org.kbatch.proxy.render.RenderedSubmission;
import org.kbatch.proxy.render.Workloads;
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
    private final JobRenderer renderer;
    private final boolean createUserNamespace;

    public Submitter(KubernetesGateway kube, JobRenderer renderer, boolean createUserNamespace) {
        this.kube = kube;
        this.renderer = renderer;
        this.createUserNamespace = createUserNamespace;
    }

    public Job submit(Caller caller, JobSubmission submission) {
        return (Job) submit(caller, renderer.render(submission.job(), submission.code(), renderCaller(caller)));
    }

    public CronJob submit(Caller caller, CronJobSubmission submission) {
        return (CronJob) submit(caller, renderer.render(submission.job(), submission.code(), renderCaller(caller)));
    }

    private HasMetadata submit(Caller caller, RenderedSubmission rendered) {
        String namespace = caller.namespace();
        if (createUserNamespace) {
            kube.ensureNamespace(namespace);
        }
        List<HasMetadata> created = new ArrayList<>();
        try {
            HasMetadata workload = rendered.workload();
            List<HasMetadata> owned = new ArrayList<>();
            if (rendered.secret() != null) {
                Secret secret = kube.create(namespace, rendered.secret());
                created.add(secret);
                owned.add(secret);
                workload = Workloads.withSecretName(workload, secret.getMetadata().getName());
            }
            if (rendered.code() != null) {
                ConfigMap code = kube.create(namespace, rendered.code());
                created.add(code);
                owned.add(code);
                workload = Workloads.withCodeConfigMapName(workload, code.getMetadata().getName());
            }
            HasMetadata made = workload instanceof CronJob cronJob
                    ? kube.create(namespace, cronJob)
                    : kube.create(namespace, (Job) workload);
            created.add(made);
            OwnerReference owner = Workloads.ownerReference(made);
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

    private static org.kbatch.proxy.render.Caller renderCaller(Caller caller) {
        return new org.kbatch.proxy.render.Caller(caller.username(), caller.token());
    }
}
