package org.kbatch.proxy.kube;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListMeta;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.kbatch.proxy.metrics.ProxyMetrics;

/**
 * Lists, read from the API server page by page ({@code limit} {@value #PAGE_SIZE} and {@code continue}), so a user
 * with thousands of jobs is never loaded in one piece: the caller's jobs, cronjobs and pods as raw JSON pages for the
 * endpoints to pass through ({@link RawRequests}), and the pods of a job and a namespace's events read whole into models
 * for the proxy's own use. Every list is restricted to the caller's {@link Scope} by the API server (a label selector
 * on their username label in a shared namespace); nothing here checks single objects.
 *
 * <p>Failures: as {@link RawRequests} for the raw pages (a {@link KubernetesClientException} with the API's {@code Status},
 * or timed out), fabric8's {@link KubernetesClientException} for the model lists; a page after the first fails the
 * same way, when part of the list was sent already. A namespace that does not exist lists as empty (the API server
 * answers an empty list).
 */
public final class Pages {

    /** Page size for lists: a user with thousands of jobs is read in bounded pieces. */
    static final long PAGE_SIZE = 500;

    private final KubernetesClient client;
    private final RawRequests raw;
    private final ProxyMetrics metrics;

    public Pages(KubernetesClient client, RawRequests raw, ProxyMetrics metrics) {
        this.client = client;
        this.raw = raw;
        this.metrics = metrics;
    }

    /**
     * The caller's jobs as the API server sends them (JSON), page by page: {@code apply(null)} fetches the first page,
     * {@code apply(token)} the page after that {@code continue} token. The endpoints pass the pages through the wire
     * codec into the answer one at a time, so a list costs one page of memory whatever its length.
     */
    public Function<String, InputStream> jobs(Scope scope) {
        return pages("list-jobs", ApiPath.of("apis", "batch", "v1", "namespaces", scope.namespace(), "jobs"),
                scope.labelSelector(null));
    }

    /** The caller's cronjobs, page by page (see {@link #jobs}). */
    public Function<String, InputStream> cronJobs(Scope scope) {
        return pages("list-cronjobs", ApiPath.of("apis", "batch", "v1", "namespaces", scope.namespace(), "cronjobs"),
                scope.labelSelector(null));
    }

    /** The caller's pods, or those labelled {@code job-name=J} when a job is named, page by page (see {@link #jobs}). */
    public Function<String, InputStream> pods(Scope scope, Optional<String> jobName) {
        return pages("list-pods", ApiPath.of("api", "v1", "namespaces", scope.namespace(), "pods"),
                scope.labelSelector(jobName.map(job -> PodLogs.LEGACY_JOB_NAME_LABEL + "=" + job).orElse(null)));
    }

    private Function<String, InputStream> pages(String operation, ApiPath path, String labelSelector) {
        return next -> {
            ApiPath page = path.query("continue", next).query("labelSelector", labelSelector).query("limit", PAGE_SIZE);
            return metrics.kubernetes(operation, () -> raw.get(page, true, "list"));
        };
    }

    /** The caller's pods, or those labelled {@code job-name=J} when a job is named, every page read into one list. */
    public PodList podList(Scope scope, Optional<String> jobName) {
        List<Pod> items = new ArrayList<>();
        ListMeta meta = all(options -> metrics.kubernetes("list-pods", () -> {
            var pods = scope.restrict(client.pods().inNamespace(scope.namespace()));
            return (jobName.isPresent() ? pods.withLabel(PodLogs.LEGACY_JOB_NAME_LABEL, jobName.get()) : pods)
                    .list(options);
        }), items);
        PodList list = new PodList();
        list.setApiVersion("v1");
        list.setKind("PodList");
        list.setMetadata(meta);
        list.setItems(items);
        return list;
    }

    /**
     * Every event of the namespace, all pages (Kubernetes keeps events for an hour, so there are not many). Events
     * carry no username label: what is the caller's is for the reader to pick by the involved object.
     */
    public List<Event> events(String namespace) {
        List<Event> items = new ArrayList<>();
        all(options -> metrics.kubernetes("list-events",
                () -> client.v1().events().inNamespace(namespace).list(options)), items);
        return items;
    }

    /**
     * The caller's jobs that this cronjob owns (the ones its schedule or a manual trigger started), every page read
     * into one list: matched on the owner reference's uid, so a later cronjob of the same name does not inherit them.
     */
    public io.fabric8.kubernetes.api.model.batch.v1.JobList jobsOwnedBy(Scope scope,
            io.fabric8.kubernetes.api.model.batch.v1.CronJob cronJob) {
        String uid = cronJob.getMetadata().getUid();
        List<io.fabric8.kubernetes.api.model.batch.v1.Job> items = new ArrayList<>();
        ListMeta meta = all(options -> metrics.kubernetes("list-jobs", () -> scope.restrict(client.batch().v1().jobs()
                .inNamespace(scope.namespace())).list(options)), items);
        var list = new io.fabric8.kubernetes.api.model.batch.v1.JobList();
        list.setApiVersion("batch/v1");
        list.setKind("JobList");
        list.setMetadata(meta);
        list.setItems(items.stream().filter(job -> job.getMetadata().getOwnerReferences() != null
                && job.getMetadata().getOwnerReferences().stream()
                .anyMatch(owner -> "CronJob".equals(owner.getKind()) && uid != null && uid.equals(owner.getUid())))
                .toList());
        return list;
    }

    /** Every job in the scope, all pages read (for counting a user's jobs). */
    public List<io.fabric8.kubernetes.api.model.batch.v1.Job> everyJob(Scope scope) {
        List<io.fabric8.kubernetes.api.model.batch.v1.Job> items = new ArrayList<>();
        all(options -> metrics.kubernetes("list-jobs", () -> scope.restrict(client.batch().v1().jobs()
                .inNamespace(scope.namespace())).list(options)), items);
        return items;
    }

    /** Every cronjob in the scope, all pages read. */
    public List<io.fabric8.kubernetes.api.model.batch.v1.CronJob> everyCronJob(Scope scope) {
        List<io.fabric8.kubernetes.api.model.batch.v1.CronJob> items = new ArrayList<>();
        all(options -> metrics.kubernetes("list-cronjobs", () -> scope.restrict(client.batch().v1().cronjobs()
                .inNamespace(scope.namespace())).list(options)), items);
        return items;
    }

    /** Reads page after page into {@code into}; answers the list metadata (its resource version, no continue). */
    private static <T extends HasMetadata, L extends KubernetesResourceList<T>> ListMeta all(
            Function<ListOptions, L> page, List<T> into) {
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
}
