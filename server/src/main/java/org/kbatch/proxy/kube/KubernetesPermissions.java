package org.kbatch.proxy.kube;

import java.util.List;

/**
 * The Kubernetes RBAC permissions the proxy needs, as data: exactly the calls {@link KubernetesGateway} makes, no
 * more. The Helm chart's ClusterRole ({@code helm/kbatch-proxy/templates/rbac.yaml}) must grant exactly these rules;
 * a chart test renders it and compares both ways. Change a gateway call, change this list and the chart together.
 *
 * <p>All of them are needed cluster-wide (a ClusterRole), because every user works in their own namespace.
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

    /** Every rule the proxy needs, one per resource. */
    public static final List<Rule> REQUIRED = List.of(
            // ensureNamespace: POST the user's namespace (409, exists already, is fine; it is never read).
            new Rule("", "namespaces", List.of("create")),
            // create(ns, Secret) for the job's env/token; setOwner: JSON merge patch of ownerReferences;
            // deleteCreated: rollback of a failed submission.
            new Rule("", "secrets", List.of("create", "patch", "delete")),
            // create(ns, ConfigMap) for the submitted code; setOwner; deleteCreated.
            new Rule("", "configmaps", List.of("create", "patch", "delete")),
            // create(ns, Job); getJob; listJobs; deleteJob and deleteCreated.
            new Rule("batch", "jobs", List.of("create", "get", "list", "delete")),
            // create(ns, CronJob); getCronJob; listCronJobs; deleteCronJob and deleteCreated.
            new Rule("batch", "cronjobs", List.of("create", "get", "list", "delete")),
            // listPods and firstPodOfJob: list; requirePod: get. podLog and followPodLog: fabric8 first waits for the
            // pod to be ready or terminated (PodOperationUtil.waitUntilReadyOrTerminal), with an informer, which
            // lists and watches the pod.
            new Rule("", "pods", List.of("get", "list", "watch")),
            // podLog and followPodLog: GET pods/{name}/log (follow=true to stream is still "get").
            new Rule("", "pods/log", List.of("get")));

    private KubernetesPermissions() {
    }
}
