package org.kbatch.proxy.cleanup;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Namespace;
import org.kbatch.proxy.kube.Namespaces;
import org.kbatch.proxy.submit.Submitter;

/**
 * Removes user namespaces that the proxy created and that have held no Job or CronJob for a while
 * ({@code KBATCH_DELETE_EMPTY_NAMESPACES_AFTER}; off by default). Only namespaces with the proxy's mark
 * ({@code app.kubernetes.io/managed-by=kbatch-proxy}, set when it creates one) are ever considered; a namespace that
 * existed before is never labelled, so never deleted. An empty namespace is first stamped with the time it was found
 * empty ({@value #EMPTY_SINCE}); a later sweep deletes it once that is long enough ago, and a job appearing in between
 * removes the stamp.
 */
public final class EmptyNamespaces implements AutoCloseable {

    public static final String EMPTY_SINCE = "kbatch.jupyter.org/empty-since";
    private static final System.Logger LOG = System.getLogger(EmptyNamespaces.class.getName());

    private final Namespaces namespaces;
    private final Duration after;
    private final Clock clock;
    private volatile Thread sweeper;

    public EmptyNamespaces(Namespaces namespaces, Duration after, Clock clock) {
        this.namespaces = namespaces;
        this.after = after;
        this.clock = clock;
    }

    /** Sweeps every {@code interval} in a background (virtual) thread until closed. */
    public EmptyNamespaces start(Duration interval) {
        sweeper = Thread.ofVirtual().name("kbatch-empty-namespaces").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(interval);
                    sweep();
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "Sweeping empty namespaces failed: " + e.getMessage());
                }
            }
        });
        return this;
    }

    /** How often to look: a quarter of the age, between 10 seconds and 10 minutes. */
    public static Duration interval(Duration after) {
        Duration quarter = after.dividedBy(4);
        return quarter.compareTo(Duration.ofSeconds(10)) < 0 ? Duration.ofSeconds(10)
                : quarter.compareTo(Duration.ofMinutes(10)) > 0 ? Duration.ofMinutes(10) : quarter;
    }

    /** One pass; returns the namespaces it deleted. */
    public List<String> sweep() {
        List<String> deleted = new ArrayList<>();
        Instant now = clock.instant();
        for (Namespace ns : namespaces.namespacesLabelled(Submitter.MANAGED_BY, "kbatch-proxy")) {
            String name = ns.getMetadata().getName();
            if (ns.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            Map<String, String> annotations = ns.getMetadata().getAnnotations();
            String since = annotations == null ? null : annotations.get(EMPTY_SINCE);
            if (namespaces.holdsJobs(name)) {
                if (since != null) {
                    namespaces.annotateNamespace(name, EMPTY_SINCE, null);
                }
            } else if (since == null || parse(since) == null) {
                namespaces.annotateNamespace(name, EMPTY_SINCE, now.toString());
            } else if (!parse(since).plus(after).isAfter(now)) {
                namespaces.deleteNamespace(name);
                deleted.add(name);
                LOG.log(Level.INFO, "Deleted namespace " + name + ": no job in it since " + since);
            }
        }
        return deleted;
    }

    private static Instant parse(String since) {
        try {
            return Instant.parse(since);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    @Override
    public void close() {
        Thread t = sweeper;
        if (t != null) {
            t.interrupt();
        }
    }
}
