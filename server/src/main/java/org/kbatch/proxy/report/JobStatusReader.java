package org.kbatch.proxy.report;

import java.time.Duration;
import java.util.List;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.kbatch.proxy.events.JobEvents;
import org.kbatch.proxy.kube.JobWatch;
import org.kbatch.proxy.kube.PodLogs;
import org.kbatch.proxy.kube.Scope;
import org.kbatch.proxy.tenancy.Ownership;

/**
 * Reads what {@link JobReports} explains a job from, for one of the caller's jobs: the Job, its pods and the events
 * about both (three reads, nothing kept between calls); and waits for a job to finish by watching it.
 *
 * <p>Failures: another user's job, or none of that name, is the 404 of {@link Ownership#getJob}; the reads and the
 * watch fail as fabric8 does. A wait that runs out of time is no failure: the report then says {@code Pending} or
 * {@code Running}.
 */
public final class JobStatusReader {

    private final Ownership ownership;
    private final PodLogs pods;
    private final JobEvents events;
    private final JobWatch watch;

    public JobStatusReader(Ownership ownership, PodLogs pods, JobEvents events, JobWatch watch) {
        this.ownership = ownership;
        this.pods = pods;
        this.events = events;
        this.watch = watch;
    }

    /** The report of one of the caller's jobs as it is now. */
    public JobReport report(Scope scope, String jobName) {
        return report(scope, ownership.getJob(scope, jobName));
    }

    /**
     * The report once the job has succeeded or failed, or when {@code timeout} has passed, whichever comes first. A
     * job that is finished already answers at once.
     */
    public JobReport await(Scope scope, String jobName, Duration timeout) {
        Job job = ownership.getJob(scope, jobName);
        if (!JobReports.finished(job)) {
            watch.await(scope.namespace(), jobName, JobReports::finished, timeout);
            job = ownership.getJob(scope, jobName);
        }
        return report(scope, job);
    }

    private JobReport report(Scope scope, Job job) {
        String name = job.getMetadata().getName();
        List<Pod> ofJob = pods.podsOfJob(scope, name);
        return JobReports.of(job, ofJob, events.about(scope.namespace(), name,
                ofJob.stream().map(p -> p.getMetadata().getName()).toList()));
    }
}
