package org.kbatch.proxy.submit;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.kbatch.proxy.caller.Caller;
import org.kbatch.proxy.errors.Refusal;
import org.kbatch.proxy.kube.Pages;
import org.kbatch.proxy.kube.Scope;
import org.kbatch.proxy.policy.OperatorPolicy;
import org.kbatch.proxy.report.JobReports;

/**
 * {@code max_active_jobs} and {@code max_cronjobs} ({@code KBATCH_MAX_ACTIVE_JOBS}, {@code KBATCH_MAX_CRONJOBS}): how
 * many unfinished jobs and how many cronjobs one user may have. Beyond that a submission is a 429 with the limit, the
 * count and a {@code Retry-After}.
 * <p>
 * The count is read from the API server (so it holds across restarts and replicas), and in this process the count
 * and the create of one user's submissions run one at a time, under a lock held until the API server has the new
 * object: a submission counts everything submitted before it through this replica. With R replicas, R submissions
 * may count the same total at once, so a user can exceed a limit by fewer than R objects, never more. Jobs a
 * cronjob's schedule starts are counted but never refused (Kubernetes starts them).
 */
public final class UserLimits {

    /** Jobs finish by themselves: try again in a minute. */
    static final long JOBS_RETRY_AFTER_SECONDS = 60;
    /** Cronjobs stay until deleted: the count only drops when the user deletes one. */
    static final long CRONJOBS_RETRY_AFTER_SECONDS = 300;
    /** Locks by hash of the user: bounded memory, and two users rarely share one. */
    private static final int STRIPES = 64;

    private final Pages pages;
    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

    public UserLimits(Pages pages) {
        this.pages = pages;
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /** Creates a job (through {@code create}) unless the caller already has {@code max_active_jobs} unfinished. */
    public <T> T job(Caller caller, OperatorPolicy policy, Supplier<T> create) {
        return within(caller, policy.maxActiveJobs(), "max_active_jobs",
                () -> pages.everyJob(Scope.of(caller)).stream().filter(UserLimits::unfinished).count(),
                (count, max) -> "You have " + count + " unfinished job" + (count == 1 ? "" : "s") + " and may have"
                        + " at most " + max + " (" + policy.source("max_active_jobs") + "); wait for one to finish"
                        + " or delete one, then submit again",
                JOBS_RETRY_AFTER_SECONDS, create);
    }

    /** Creates a cronjob (through {@code create}) unless the caller already has {@code max_cronjobs}. */
    public <T> T cronJob(Caller caller, OperatorPolicy policy, Supplier<T> create) {
        return within(caller, policy.maxCronJobs(), "max_cronjobs",
                () -> pages.everyCronJob(Scope.of(caller)).stream()
                        .filter(c -> c.getMetadata().getDeletionTimestamp() == null).count(),
                (count, max) -> "You have " + count + " cronjob" + (count == 1 ? "" : "s") + " and may have at most "
                        + max + " (" + policy.source("max_cronjobs") + "); delete one, then submit again",
                CRONJOBS_RETRY_AFTER_SECONDS, create);
    }

    /** {@code create}, unless {@code max} is set and the count has reached it: then the 429 {@code detail} says. */
    private <T> T within(Caller caller, Integer max, String rule, LongSupplier count,
                         BiFunction<Long, Integer, String> detail, long retryAfterSeconds, Supplier<T> create) {
        if (max == null) {
            return create.get();
        }
        return locked(caller, () -> {
            long n = count.getAsLong();
            if (n >= max) {
                throw new Refusal(429, rule, detail.apply(n, max), retryAfterSeconds);
            }
            return create.get();
        });
    }

    private <T> T locked(Caller caller, Supplier<T> counted) {
        ReentrantLock lock = locks[Math.floorMod((caller.namespace() + "/" + caller.username()).hashCode(), STRIPES)];
        lock.lock();
        try {
            return counted.get();
        } finally {
            lock.unlock();
        }
    }

    /** Neither complete nor failed, and not being deleted. */
    static boolean unfinished(Job job) {
        return (job.getMetadata() == null || job.getMetadata().getDeletionTimestamp() == null)
                && !JobReports.finished(job);
    }
}
