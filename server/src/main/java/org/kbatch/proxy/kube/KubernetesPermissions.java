package org.kbatch.proxy.kube;

import java.util.ArrayList;
import java.util.List;

/**
 * The Kubernetes RBAC permissions the proxy needs, as data: exactly the calls this package makes ({@link Namespaces},
 * {@link KubernetesObjects}, {@link Pages}, {@link PodLogs}; no other package calls Kubernetes), no more, as a function
 * of the optional features. The Helm chart ({@code helm/kbatch-proxy/templates/rbac.yaml}) must grant exactly these
 * rules; chart tests render it for several sets of values and compare both ways. Every call the server tests make is
 * checked against these rules (the tests' {@code RecordedKubernetesCalls}), and the deployment test runs every feature
 * under the chart's rules on a real API server. Change a Kubernetes call, change this list and the chart together.
 *
 * <p>Canonical form: one rule per resource, in the order of {@link #required(boolean, boolean, boolean, boolean)};
 * verbs in the order create, get, list, watch, patch, delete, deletecollection. The namespaces rule joins the verbs of
 * namespace creation and of the cleanup when both apply.
 *
 * <p>Cluster-wide (a ClusterRole) when the proxy works in per-user namespaces or creates or cleans up namespaces; with
 * only admin-chosen namespaces the chart grants {@link #required(boolean, boolean, boolean) required(false, false,
 * false)} as a Role in each of them.
 */
public final class KubernetesPermissions {

    /**
     * One RBAC rule: {@code verbs} on {@code resource} (a subresource is written {@code pods/log}) of API group
     * {@code apiGroup} ({@code ""} for the core group).
     */
    public record Rule(String apiGroup, String resource, List<String> verbs) {
        public Rule {
            verbs = List.copyOf(verbs);
        }
    }

    /** What every configuration needs: the rules a Role in an admin-chosen namespace holds. */
    public static final List<Rule> ALWAYS = List.of(
            // KubernetesObjects: create(ns, Secret) for the job's env/token; setOwner: JSON merge patch of
            // ownerReferences, sent through the created object so that fabric8 does not read it first (no "get": the
            // proxy cannot read Secrets); deleteCreated: DELETE of the named object (rollback of a failed submission);
            // deleteLabelled: the rollback sweep deletes by label selector, which fabric8 sends as a DELETE on the
            // collection.
            new Rule("", "secrets", List.of("create", "patch", "delete", "deletecollection")),
            // KubernetesObjects: create(ns, ConfigMap) for the submitted code; setOwner (no read first either);
            // deleteCreated; deleteLabelled. DeploymentIT runs every feature under exactly these rules on a real API server.
            new Rule("", "configmaps", List.of("create", "patch", "delete", "deletecollection")),
            // KubernetesObjects: create(ns, Job) (also a cronjob's manual run); job (the get behind
            // Ownership.getJob, also before deleteJob in a shared namespace, JobEvents and the job's report);
            // deleteJob and deleteCreated: delete; deleteLabelled: deletecollection. Pages.jobs and
            // Pages.jobsOwnedBy: list (paginated). JobWatch (jobs/NAME/wait): fabric8's waitUntilCondition lists the
            // one job and watches it. (The namespace cleanup's Namespaces.holdsJobs lists too.)
            new Rule("batch", "jobs", List.of("create", "get", "list", "watch", "delete", "deletecollection")),
            // KubernetesObjects: create(ns, CronJob); cronJob (Ownership.getCronJob); suspendCronJob: JSON merge
            // patch of spec.suspend (through the object read before, so no second get); deleteCronJob and
            // deleteCreated; deleteLabelled. Pages.cronJobs: list.
            new Rule("batch", "cronjobs", List.of("create", "get", "list", "patch", "delete", "deletecollection")),
            // Pages.pods and Pages.podList (JobEvents), PodLogs.firstPodOfJob and podsOfJob: list; KubernetesObjects.pod (the get
            // behind Ownership.findPod/getPod, before a log): get. (Logs are read with a plain GET of
            // pods/{name}/log, not fabric8's log helpers, which would first watch the pod.)
            new Rule("", "pods", List.of("get", "list")),
            // PodLogs.read and PodLogs.follow: GET pods/{name}/log (follow=true to stream is still "get").
            new Rule("", "pods/log", List.of("get")),
            // Pages.events (for JobEvents): the namespace's core v1 events, paginated; JobEvents picks the job's
            // and its pods' by the involved object.
            new Rule("", "events", List.of("list")));

    /**
     * Every rule the proxy needs with these features, one per resource.
     *
     * @param createNamespaces {@code KBATCH_CREATE_USER_NAMESPACE}: Namespaces.ensureNamespace creates the user's
     *                         namespace
     * @param quotas           {@code KBATCH_USER_RESOURCE_QUOTA_FILE} and {@code KBATCH_USER_LIMIT_RANGE_FILE} both set
     * @param cleanup          {@code KBATCH_DELETE_EMPTY_NAMESPACES_AFTER} set
     */
    public static List<Rule> required(boolean createNamespaces, boolean quotas, boolean cleanup) {
        return required(createNamespaces, quotas, quotas, cleanup);
    }

    /**
     * Every rule the proxy needs with these features, one per resource (the quota and the limit range apart: only the
     * one that is set is ever created).
     *
     * @param createNamespaces {@code KBATCH_CREATE_USER_NAMESPACE}: Namespaces.ensureNamespace creates the user's
     *                         namespace
     * @param resourceQuota    {@code KBATCH_USER_RESOURCE_QUOTA_FILE} set
     * @param limitRange       {@code KBATCH_USER_LIMIT_RANGE_FILE} set
     * @param cleanup          {@code KBATCH_DELETE_EMPTY_NAMESPACES_AFTER} set
     */
    public static List<Rule> required(boolean createNamespaces, boolean resourceQuota, boolean limitRange,
                                      boolean cleanup) {
        List<Rule> rules = new ArrayList<>();
        List<String> namespaceVerbs = new ArrayList<>();
        if (createNamespaces) {
            // Namespaces.ensureNamespace: POST the user's namespace (409, exists already, is fine; it is never read).
            namespaceVerbs.add("create");
        }
        if (cleanup) {
            // The empty-namespace cleanup (org.kbatch.proxy.cleanup.EmptyNamespaces), through Namespaces:
            // namespacesLabelled lists the namespaces the proxy created (by label, cluster-wide); annotateNamespace
            // stamps or clears the time one was found empty (JSON merge patch); deleteNamespace removes it.
            namespaceVerbs.addAll(List.of("list", "patch", "delete"));
        }
        if (!namespaceVerbs.isEmpty()) {
            rules.add(new Rule("", "namespaces", namespaceVerbs));
        }
        rules.addAll(ALWAYS);
        if (resourceQuota) {
            // Quotas.reconcile -> KubernetesObjects.createIfMissing: POST the admin's ResourceQuota into a user namespace (409 is fine).
            rules.add(new Rule("", "resourcequotas", List.of("create")));
        }
        if (limitRange) {
            // Quotas.reconcile -> KubernetesObjects.createIfMissing: POST the admin's LimitRange into a user namespace (409 is fine).
            rules.add(new Rule("", "limitranges", List.of("create")));
        }
        return List.copyOf(rules);
    }

    private KubernetesPermissions() {
    }
}
