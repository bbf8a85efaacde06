package org.kbatch.proxy.kube;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventList;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListMeta;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
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
import org.kbatch.proxy.naming.UsernameLabel;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every Kubernetes call the proxy makes, through one shared fabric8 client. Each method takes the caller's
 * namespace explicitly; nothing here decides which namespace a user may use (the endpoints do, from the token).
 * Failures surface as fabric8's {@link KubernetesClientException}, which the error mapping relays.
 */
public final class KubernetesGateway {

    /** Page size for lists: a user with thousands of jobs is read in bounded pieces. */
    static final long PAGE_SIZE = 500;

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    public static final String JOB_NAME_LABEL = "batch.kubernetes.io/job-name";
    public static final String LEGACY_JOB_NAME_LABEL = "job-name";

    private final KubernetesClient client;
    private final ProxyMetrics metrics;

    public KubernetesGateway(KubernetesClient client, ProxyMetrics metrics) {
        this.client = client;
        this.metrics = metrics;
    }

    /** Creates a ResourceQuota or LimitRange in the namespace unless one of that name exists (409). */
    public void createIfMissing(String namespace, HasMetadata object) {
        try {
            if (object instanceof io.fabric8.kubernetes.api.model.ResourceQuota quota) {
                metrics.kubernetes("create-resourcequota", () -> client.resourceQuotas().inNamespace(namespace)
                        .resource(new io.fabric8.kubernetes.api.model.ResourceQuotaBuilder(quota).build()).create());
            } else if (object instanceof io.fabric8.kubernetes.api.model.LimitRange limits) {
                metrics.kubernetes("create-limitrange", () -> client.limitRanges().inNamespace(namespace)
                        .resource(new io.fabric8.kubernetes.api.model.LimitRangeBuilder(limits).build()).create());
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
        return metrics.kubernetes("create-secret", () -> client.secrets().inNamespace(namespace).resource(secret).create());
    }

    public ConfigMap create(String namespace, ConfigMap configMap) {
        return metrics.kubernetes("create-configmap",
                () -> client.configMaps().inNamespace(namespace).resource(configMap).create());
    }

    public Job create(String namespace, Job job) {
        return metrics.kubernetes("create-job", () -> client.batch().v1().jobs().inNamespace(namespace).resource(job).create());
    }

    public CronJob create(String namespace, CronJob cronJob) {
        return metrics.kubernetes("create-cronjob",
                () -> client.batch().v1().cronjobs().inNamespace(namespace).resource(cronJob).create());
    }

    /**
     * Makes {@code owner} the owner of a Secret or ConfigMap (a JSON merge patch of ownerReferences). {@code owned} is
     * the object as created: fabric8 patches a named resource by reading it first, which would need {@code get} on
     * secrets (reading every Secret of every user namespace); patched through the object it has, it only PATCHes.
     */
    public void setOwner(HasMetadata owned, OwnerReference owner) {
        String patch = JSON.writeValueAsString(java.util.Map.of("metadata", java.util.Map.of("ownerReferences",
                List.of(java.util.Map.of(
                        "apiVersion", owner.getApiVersion(),
                        "kind", owner.getKind(),
                        "name", owner.getName(),
                        "uid", owner.getUid())))));
        PatchContext merge = PatchContext.of(PatchType.JSON_MERGE);
        String ns = owned.getMetadata().getNamespace();
        if (owned instanceof Secret secret) {
            metrics.kubernetes("patch-secret", () -> client.secrets().inNamespace(ns).resource(secret).patch(merge, patch));
        } else if (owned instanceof ConfigMap configMap) {
            metrics.kubernetes("patch-configmap",
                    () -> client.configMaps().inNamespace(ns).resource(configMap).patch(merge, patch));
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

    /**
     * The caller's jobs as the API server sends them (JSON), page by page: {@code apply(null)} fetches the first page,
     * {@code apply(token)} the page after that {@code continue} token. The endpoints pass the pages through the wire
     * codec into the answer one at a time, so a list costs one page of memory whatever its length.
     */
    public Function<String, InputStream> jobPages(Scope scope) {
        return pages("list-jobs", "/apis/batch/v1/namespaces/" + scope.namespace() + "/jobs", selector(scope, null));
    }

    /** The caller's cronjobs, page by page (see {@link #jobPages}). */
    public Function<String, InputStream> cronJobPages(Scope scope) {
        return pages("list-cronjobs", "/apis/batch/v1/namespaces/" + scope.namespace() + "/cronjobs",
                selector(scope, null));
    }

    /** The caller's pods, or those labelled {@code job-name=J} when a job is named, page by page (see {@link #jobPages}). */
    public Function<String, InputStream> podPages(Scope scope, Optional<String> jobName) {
        return pages("list-pods", "/api/v1/namespaces/" + scope.namespace() + "/pods",
                selector(scope, jobName.map(job -> LEGACY_JOB_NAME_LABEL + "=" + job).orElse(null)));
    }

    private Function<String, InputStream> pages(String operation, String path, String labelSelector) {
        return next -> {
            StringBuilder query = new StringBuilder();
            if (next != null) {
                query.append("continue=").append(encode(next)).append('&');
            }
            if (labelSelector != null) {
                query.append("labelSelector=").append(encode(labelSelector)).append('&');
            }
            query.append("limit=").append(PAGE_SIZE);
            return metrics.kubernetes(operation, () -> get(path + "?" + query, true, "list"));
        };
    }

    /** The label selector of a list: the caller's username label in a shared namespace, and {@code extra}. */
    private static String selector(Scope scope, String extra) {
        String owner = scope.ownerLabel().map(value -> UsernameLabel.KEY + "=" + value).orElse(null);
        if (owner == null) {
            return extra;
        }
        return extra == null ? owner : owner + "," + extra;
    }

    private static String encode(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The caller's pods, or those labelled {@code job-name=J} when a job is named. */
    public PodList listPods(Scope scope, Optional<String> jobName) {
        List<Pod> items = new ArrayList<>();
        ListMeta meta = paged(options -> metrics.kubernetes("list-pods", () -> {
            var pods = owned(client.pods().inNamespace(scope.namespace()), scope);
            return (jobName.isPresent() ? pods.withLabel(LEGACY_JOB_NAME_LABEL, jobName.get()) : pods).list(options);
        }), items);
        PodList list = new PodList();
        list.setApiVersion("v1");
        list.setKind("PodList");
        list.setMetadata(meta);
        list.setItems(items);
        return list;
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
            List<Pod> pods = metrics.kubernetes("list-pods", () -> owned(client.pods().inNamespace(scope.namespace()),
                    scope).withLabel(label, jobName).list(new ListOptionsBuilder().withLimit(1L).build())).getItems();
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
        return get("/api/v1/namespaces/" + namespace + "/pods/" + pod + "/log" + (follow ? "?follow=true" : ""),
                !follow, "log of pod " + pod);
    }

    /**
     * A plain {@code GET} of an API path on fabric8's HTTP client (its auth and TLS), answering the body as a stream;
     * an error answer becomes a {@link KubernetesClientException} carrying the API's {@code Status}, as fabric8's own
     * calls do. {@code timeout}: the client's request timeout applies until the answer starts (not to a followed log).
     */
    private InputStream get(String pathAndQuery, boolean timeout, String what) {
        String url = client.getMasterUrl().toString().replaceAll("/+$", "") + pathAndQuery;
        var http = client.getHttpClient();
        var request = http.newHttpRequestBuilder().uri(url);
        if (timeout) {
            request.timeout(client.getConfiguration().getRequestTimeout(), java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        ResponseBody stream = new ResponseBody();
        var answer = http.consumeBytes(request.build(), stream);
        io.fabric8.kubernetes.client.http.HttpResponse<io.fabric8.kubernetes.client.http.AsyncBody> response;
        try {
            response = answer.get(client.getConfiguration().getRequestTimeout(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            // An answer that still comes is not read: cancel it rather than leave the connection busy.
            answer.thenAccept(late -> late.body().cancel());
            throw new KubernetesClientException("Kubernetes request timed out: " + what, e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new KubernetesClientException("Kubernetes request failed: " + what, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer.thenAccept(late -> late.body().cancel());
            throw new KubernetesClientException("Interrupted", e);
        }
        stream.start(response.body());
        if (!response.isSuccessful()) {
            Status status;
            try (InputStream body = stream) {
                status = client.getKubernetesSerialization().unmarshal(new String(body.readAllBytes(),
                        java.nio.charset.StandardCharsets.UTF_8), Status.class);
            } catch (IOException | RuntimeException e) {
                status = new StatusBuilder().withCode(response.code()).withMessage(what + " failed").build();
            }
            throw new KubernetesClientException(status.getMessage(), response.code(), status);
        }
        return stream;
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
        listPods(scope, Optional.of(jobName)).getItems().forEach(p -> pods.add(p.getMetadata().getName()));
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
        List<Event> items = new ArrayList<>();
        paged(options -> metrics.kubernetes("list-events",
                () -> client.v1().events().inNamespace(namespace).list(options)), items);
        return items.stream().filter(e -> e.getInvolvedObject() != null
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

    /** In a shared namespace, only the caller's objects (by their username label). */
    private static <T, L, R extends io.fabric8.kubernetes.client.dsl.Resource<T>> io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable<T, L, R> owned(
            io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable<T, L, R> objects, Scope scope) {
        return scope.ownerLabel().isPresent() ? objects.withLabel(UsernameLabel.KEY, scope.ownerLabel().get()) : objects;
    }

    private static <T extends HasMetadata, L extends KubernetesResourceList<T>> ListMeta paged(Function<ListOptions, L> page, List<T> into) {
        String next = null;
        ListMeta last;
        do {
            L list = page.apply(new ListOptionsBuilder().withLimit(PAGE_SIZE).withContinue(next).build());
            into.addAll(list.getItems());
            last = list.getMetadata();
            next = last == null ? null : last.getContinue();
        } while (next != null && !next.isEmpty());
        ListMeta meta = new ListMeta();
        if (last != null) {
            meta.setResourceVersion(last.getResourceVersion());
        }
        return meta;
    }

    private static Status status(List<StatusDetails> deleted, String resource, String name) {
        if (deleted == null || deleted.isEmpty()) {
            throw new ApiException(404, resource + " \"" + name + "\" not found");
        }
        return new StatusBuilder().withApiVersion("v1").withKind("Status").withStatus("Success")
                .withDetails(deleted.getFirst()).build();
    }
}
