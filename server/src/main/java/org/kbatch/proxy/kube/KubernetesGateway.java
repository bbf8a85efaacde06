package org.kbatch.proxy.kube;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventList;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.ListMeta;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.kbatch.proxy.errors.ApiException;
import org.kbatch.proxy.metrics.ProxyMetrics;

/**
 * Every Kubernetes call the proxy makes, through one shared fabric8 client. Each method takes the caller's
 * namespace explicitly; nothing here decides which namespace a user may use (the endpoints do, from the token).
 * Failures surface as fabric8's {@link KubernetesClientException}, which the error mapping relays.
 */
public final class KubernetesGateway {

    public static final String JOB_NAME_LABEL = "batch.kubernetes.io/job-name";
    public static final String LEGACY_JOB_NAME_LABEL = "job-name";

    private final KubernetesClient client;
    private final ProxyMetrics metrics;
    private final RawGet raw;
    private final Pages pages;

    public KubernetesGateway(KubernetesClient client, ProxyMetrics metrics, RawGet raw, Pages pages) {
        this.client = client;
        this.metrics = metrics;
        this.raw = raw;
        this.pages = pages;
    }

    public Job getJob(Scope scope, String name) {
        return findJob(scope, name).orElseThrow(() -> new ApiException(404, "jobs.batch \"" + name + "\" not found"));
    }

    /** One of the caller's jobs; empty when there is none of that name, or it is another user's. */
    public Optional<Job> findJob(Scope scope, String name) {
        Job job = metrics.kubernetes("get-job",
                () -> client.batch().v1().jobs().inNamespace(scope.namespace()).withName(name).get());
        return job == null || !scope.owns(job.getMetadata().getLabels()) ? Optional.empty() : Optional.of(job);
    }

    public CronJob getCronJob(Scope scope, String name) {
        CronJob cronJob = metrics.kubernetes("get-cronjob",
                () -> client.batch().v1().cronjobs().inNamespace(scope.namespace()).withName(name).get());
        if (cronJob == null || !scope.owns(cronJob.getMetadata().getLabels())) {
            throw new ApiException(404, "cronjobs.batch \"" + name + "\" not found");
        }
        return cronJob;
    }

    /** Deletes one of the caller's jobs; its pods, Secret and ConfigMap go with it (they are owned by the job). */
    public Status deleteJob(Scope scope, String name) {
        if (scope.ownerLabel().isPresent()) {
            getJob(scope, name);
        }
        return status(metrics.kubernetes("delete-job", () -> client.batch().v1().jobs().inNamespace(scope.namespace())
                .withName(name).withPropagationPolicy(DeletionPropagation.FOREGROUND).delete()), "jobs.batch", name);
    }

    /** Deletes one of the caller's cronjobs; the jobs it started, their pods and its Secret/ConfigMap go with it. */
    public Status deleteCronJob(Scope scope, String name) {
        if (scope.ownerLabel().isPresent()) {
            getCronJob(scope, name);
        }
        return status(metrics.kubernetes("delete-cronjob", () -> client.batch().v1().cronjobs()
                .inNamespace(scope.namespace()).withName(name).withPropagationPolicy(DeletionPropagation.FOREGROUND)
                .delete()), "cronjobs.batch", name);
    }

    /** The first pod of a job: labelled {@code batch.kubernetes.io/job-name}, else (clusters before 1.27) {@code job-name}. */
    public Optional<Pod> firstPodOfJob(Scope scope, String jobName) {
        for (String label : List.of(JOB_NAME_LABEL, LEGACY_JOB_NAME_LABEL)) {
            List<Pod> pods = metrics.kubernetes("list-pods", () -> scope.restrict(client.pods()
                    .inNamespace(scope.namespace())).withLabel(label, jobName)
                    .list(new ListOptionsBuilder().withLimit(1L).build())).getItems();
            if (!pods.isEmpty()) {
                return Optional.of(pods.getFirst());
            }
        }
        return Optional.empty();
    }

    /** The pod's log so far, as a stream (not buffered whole); a pod that is not the caller's is a 404. */
    public InputStream podLog(Scope scope, String pod) {
        requirePod(scope, pod);
        return metrics.kubernetes("get-log", () -> log(scope.namespace(), pod, false));
    }

    /** The log so far of a pod already found through {@code scope} (so the caller's): no second look-up. */
    public InputStream podLog(Scope scope, Pod owned) {
        return metrics.kubernetes("get-log", () -> log(scope.namespace(), owned.getMetadata().getName(), false));
    }

    /**
     * The pod's log, following it until the container ends. Closing the stream closes the connection to the API
     * server, so a client that goes away does not leave a follower behind.
     */
    public InputStream followPodLog(Scope scope, String pod) {
        requirePod(scope, pod);
        return metrics.kubernetes("follow-log", () -> log(scope.namespace(), pod, true));
    }

    /** {@link #followPodLog(Scope, String)} for a pod already found through {@code scope}: no second look-up. */
    public InputStream followPodLog(Scope scope, Pod owned) {
        return metrics.kubernetes("follow-log", () -> log(scope.namespace(), owned.getMetadata().getName(), true));
    }

    /**
     * {@code GET .../pods/P/log} on fabric8's HTTP client (its auth and TLS), rather than its log helpers: those first
     * wait for the pod with a watch, and pass an error {@code Status} through as if it were log text.
     */
    private InputStream log(String namespace, String pod, boolean follow) {
        ApiPath log = ApiPath.of("api", "v1", "namespaces", namespace, "pods", pod, "log");
        return raw.get(follow ? log.query("follow", "true") : log, !follow, "log of pod " + pod);
    }

    private void requirePod(Scope scope, String pod) {
        if (findPod(scope, pod).isEmpty()) {
            throw new ApiException(404, "pods \"" + pod + "\" not found");
        }
    }

    /** One of the caller's pods; empty when there is none of that name, or it is another user's. */
    public Optional<Pod> findPod(Scope scope, String name) {
        Pod pod = metrics.kubernetes("get-pod", () -> client.pods().inNamespace(scope.namespace()).withName(name).get());
        return pod == null || !scope.owns(pod.getMetadata().getLabels()) ? Optional.empty() : Optional.of(pod);
    }

    /**
     * The events about one of the caller's jobs and about its pods, oldest first. The namespace's events are read page
     * by page and matched on the involved object's kind and name (Kubernetes keeps events for an hour, so there are
     * not many; field selectors on {@code involvedObject} would save that, but fabric8's mock server ignores them).
     */
    public EventList jobEvents(Scope scope, String jobName) {
        getJob(scope, jobName);
        java.util.Set<String> pods = new java.util.HashSet<>();
        pages.podList(scope, Optional.of(jobName)).getItems().forEach(p -> pods.add(p.getMetadata().getName()));
        List<Event> events = new ArrayList<>(eventsAbout(scope.namespace(), java.util.Set.of(jobName), pods));
        events.sort(java.util.Comparator.comparing(KubernetesGateway::eventTime));
        EventList list = new EventList();
        list.setApiVersion("v1");
        list.setKind("EventList");
        list.setMetadata(new ListMeta());
        list.setItems(events);
        return list;
    }

    private List<Event> eventsAbout(String namespace, java.util.Set<String> jobs, java.util.Set<String> pods) {
        return pages.events(namespace).stream().filter(e -> e.getInvolvedObject() != null
                && ("Job".equals(e.getInvolvedObject().getKind()) && jobs.contains(e.getInvolvedObject().getName())
                || "Pod".equals(e.getInvolvedObject().getKind()) && pods.contains(e.getInvolvedObject().getName())))
                .toList();
    }

    /** When an event happened: the newest of its timestamps that is set (all RFC 3339 UTC, so they sort as text). */
    private static String eventTime(Event e) {
        if (e.getLastTimestamp() != null) {
            return e.getLastTimestamp();
        }
        if (e.getEventTime() != null && e.getEventTime().getTime() != null) {
            return e.getEventTime().getTime();
        }
        if (e.getFirstTimestamp() != null) {
            return e.getFirstTimestamp();
        }
        return e.getMetadata() == null || e.getMetadata().getCreationTimestamp() == null ? ""
                : e.getMetadata().getCreationTimestamp();
    }

    private static Status status(List<StatusDetails> deleted, String resource, String name) {
        if (deleted == null || deleted.isEmpty()) {
            throw new ApiException(404, resource + " \"" + name + "\" not found");
        }
        return new StatusBuilder().withApiVersion("v1").withKind("Status").withStatus("Success")
                .withDetails(deleted.getFirst()).build();
    }
}
