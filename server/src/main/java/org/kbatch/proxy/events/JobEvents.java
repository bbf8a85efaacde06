package org.kbatch.proxy.events;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventList;
import io.fabric8.kubernetes.api.model.ListMeta;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.kbatch.proxy.kube.Pages;
import org.kbatch.proxy.kube.Scope;
import org.kbatch.proxy.tenancy.Ownership;

/**
 * The events about one of the caller's jobs and about its pods, oldest first: why a job is pending or failing. The
 * namespace's events are read page by page and matched on the involved object's kind and name (Kubernetes keeps
 * events for an hour, so there are not many; field selectors on {@code involvedObject} would save that, but fabric8's
 * mock server ignores them), then sorted by when they happened ({@link #time}).
 *
 * <p>Failures: the job must be the caller's: a job of that name that does not exist, or is another user's, is the
 * 404 of {@code jobs.batch "J" not found} ({@code ApiException}), before any list; the lists fail as fabric8 does
 * ({@link KubernetesClientException}). A job without pods or events has an empty list.
 */
public final class JobEvents {

    private final Ownership ownership;
    private final Pages pages;

    public JobEvents(Ownership ownership, Pages pages) {
        this.ownership = ownership;
        this.pages = pages;
    }

    public EventList of(Scope scope, String jobName) {
        ownership.getJob(scope, jobName);
        Set<String> pods = new HashSet<>();
        pages.podList(scope, Optional.of(jobName)).getItems().forEach(p -> pods.add(p.getMetadata().getName()));
        List<Event> events = new ArrayList<>(about(pages.events(scope.namespace()), Set.of(jobName), pods));
        events.sort(Comparator.comparing(JobEvents::time));
        EventList list = new EventList();
        list.setApiVersion("v1");
        list.setKind("EventList");
        list.setMetadata(new ListMeta());
        list.setItems(events);
        return list;
    }

    /** The events about a job (of the caller's, found already) and about these pods of it, oldest first. */
    public List<Event> about(String namespace, String jobName, Collection<String> podNames) {
        List<Event> events = new ArrayList<>(about(pages.events(namespace), Set.of(jobName), Set.copyOf(podNames)));
        events.sort(Comparator.comparing(JobEvents::time));
        return events;
    }

    /** The events whose involved object is one of these jobs or pods. */
    static List<Event> about(List<Event> events, Set<String> jobs, Set<String> pods) {
        return events.stream().filter(e -> e.getInvolvedObject() != null
                && ("Job".equals(e.getInvolvedObject().getKind()) && jobs.contains(e.getInvolvedObject().getName())
                || "Pod".equals(e.getInvolvedObject().getKind()) && pods.contains(e.getInvolvedObject().getName())))
                .toList();
    }

    /** When an event happened: the newest of its timestamps that is set (all RFC 3339 UTC, so they sort as text). */
    static String time(Event e) {
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
}
