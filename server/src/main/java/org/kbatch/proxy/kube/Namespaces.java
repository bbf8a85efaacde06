package org.kbatch.proxy.kube;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.kbatch.proxy.metrics.ProxyMetrics;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The namespaces themselves: a user's namespace created on their submission (and remembered once it exists, see
 * {@link #ensureNamespace}), and the empty-namespace cleanup's calls (list the proxy's namespaces, look for jobs in
 * one, stamp it, delete it). The proxy never reads a namespace ({@code get} is not granted).
 *
 * <p>Failures are fabric8's {@link KubernetesClientException}, relayed by the error mapping, except a 409 on create
 * (the namespace exists: fine). A missing namespace: {@link #ensureNamespace} cannot see that one it remembers is
 * gone, a create in it then answers {@link #isMissingNamespace}; deleting a missing one is no error; annotating one is
 * Kubernetes' 404.
 */
public final class Namespaces {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final KubernetesClient client;
    private final ProxyMetrics metrics;
    /** Namespaces this process saw exist (see {@link #ensureNamespace}). */
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    public Namespaces(KubernetesClient client, ProxyMetrics metrics) {
        this.client = client;
        this.metrics = metrics;
    }

    /**
     * Creates the namespace with these labels; one that exists already (409) is fine and left as it is. A namespace
     * seen to exist (created, or answered 409) is remembered and not POSTed again: after a user's first submission
     * every POST would be a 409, which fabric8 turns into an exception with a formatted Status (costly, per JFR). The
     * proxy has no {@code get} on namespaces (RBAC), so it cannot look instead. A namespace deleted behind the proxy's
     * back shows up as a create answered {@link #isMissingNamespace}; then {@link #forgetNamespace} it.
     */
    public void ensureNamespace(String namespace, Map<String, String> labels) {
        if (known.contains(namespace)) {
            return;
        }
        Namespace ns = new NamespaceBuilder().withNewMetadata().withName(namespace).withLabels(labels).endMetadata()
                .build();
        try {
            metrics.kubernetes("create-namespace", () -> client.namespaces().resource(ns).create());
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
        known.add(namespace);
    }

    /** Forgets that the namespace exists (it turned out to be gone): the next {@link #ensureNamespace} POSTs it. */
    public void forgetNamespace(String namespace) {
        known.remove(namespace);
    }

    /**
     * Whether a create failed because its namespace does not exist. The API server answers that with a 404 about
     * the namespace, not the object: {@code Status} reason {@code NotFound}, {@code details.kind: namespaces}, message
     * {@code namespaces "NS" not found}.
     */
    public static boolean isMissingNamespace(KubernetesClientException e, String namespace) {
        Status status = e.getStatus();
        if (e.getCode() != 404 || status == null) {
            return false;
        }
        StatusDetails details = status.getDetails();
        return details != null && "namespaces".equals(details.getKind()) && namespace.equals(details.getName())
                || ("namespaces \"" + namespace + "\" not found").equals(status.getMessage());
    }

    /** The namespaces carrying this label (the ones the proxy created). */
    public List<Namespace> namespacesLabelled(String label, String value) {
        return metrics.kubernetes("list-namespaces",
                () -> client.namespaces().withLabel(label, value).list().getItems());
    }

    /** Whether the namespace holds any Job or CronJob. */
    public boolean holdsJobs(String namespace) {
        ListOptions one = new ListOptionsBuilder().withLimit(1L).build();
        return !metrics.kubernetes("list-jobs", () -> client.batch().v1().jobs().inNamespace(namespace).list(one))
                .getItems().isEmpty()
                || !metrics.kubernetes("list-cronjobs",
                () -> client.batch().v1().cronjobs().inNamespace(namespace).list(one)).getItems().isEmpty();
    }

    /**
     * Sets (or, with {@code null}, removes) one annotation of a namespace (a JSON merge patch), through a namespace
     * object of that name: patched by name, fabric8 would read it first, a "get" the chart does not grant.
     */
    public void annotateNamespace(String namespace, String key, String value) {
        Map<String, Object> annotations = new HashMap<>();
        annotations.put(key, value);
        String patch = JSON.writeValueAsString(Map.of("metadata", Map.of("annotations", annotations)));
        Namespace named = new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build();
        metrics.kubernetes("patch-namespace", () -> client.namespaces().resource(named)
                .patch(PatchContext.of(PatchType.JSON_MERGE), patch));
    }

    /** Deletes the namespace and everything in it; one that is gone already is no error. */
    public void deleteNamespace(String namespace) {
        metrics.kubernetes("delete-namespace", () -> client.namespaces().withName(namespace).delete());
    }
}
