package org.kbatch.proxy.jobs;

import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Pod;
import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.kbatch.proxy.api.JobsService;
import org.kbatch.proxy.errors.ApiException;
import org.kbatch.proxy.audit.AuditLog;
import org.kbatch.proxy.http.Callers;
import org.kbatch.proxy.tenancy.Ownership;
import org.kbatch.proxy.tenancy.Tenancy;
import org.kbatch.proxy.http.Json;
import org.kbatch.proxy.http.ListResponses;
import org.kbatch.proxy.http.Names;
import org.kbatch.proxy.http.Routes;
import org.kbatch.proxy.kube.Pages;
import org.kbatch.proxy.kube.PodLogs;
import org.kbatch.proxy.kube.Scope;
import org.kbatch.proxy.kube.LogOptions;
import org.kbatch.proxy.logs.JobLogs;
import org.kbatch.proxy.logs.LogQuery;
import org.kbatch.proxy.logs.LogResponses;
import org.kbatch.proxy.report.JobStatusReader;
import org.kbatch.proxy.metrics.ProxyMetrics;
import org.kbatch.proxy.submit.Submitter;
import org.kbatch.proxy.wire.JobSubmission;
import org.kbatch.proxy.wire.WireCodec;
import org.kbatch.proxy.http.BodyLimits;

/**
 * {@code jobs/}: list, submit, show, delete the caller's jobs; their logs; why they are where they are
 * ({@code status}) and waiting for them to finish ({@code wait}).
 */
public final class JobsEndpoints extends JobsService {

    /** {@code wait}'s {@code timeout_seconds}: its default and its largest value. */
    static final int DEFAULT_WAIT_SECONDS = 60;
    static final int MAX_WAIT_SECONDS = 600;

    private final Ownership ownership;
    private final Pages pages;
    private final PodLogs podLogs;
    private final JobLogs jobLogs;
    private final JobStatusReader statuses;
    private final Tenancy tenancy;
    private final Submitter submitter;
    private final WireCodec codec;
    private final BodyLimits limits;
    private final ProxyMetrics metrics;

    public JobsEndpoints(Ownership ownership, Pages pages, PodLogs podLogs, JobStatusReader statuses,
                         Submitter submitter, WireCodec codec, BodyLimits limits, ProxyMetrics metrics,
                         Tenancy tenancy) {
        this.limits = limits;
        this.tenancy = tenancy;
        this.ownership = ownership;
        this.pages = pages;
        this.podLogs = podLogs;
        this.jobLogs = new JobLogs(podLogs);
        this.statuses = statuses;
        this.submitter = submitter;
        this.codec = codec;
        this.metrics = metrics;
    }

    @Override
    public void routing(HttpRules rules) {
        Routes.both(rules, Method.GET, "/jobs/", this::listJobs);
        Routes.both(rules, Method.POST, "/jobs/", this::submitJob);
        Routes.both(rules, Method.GET, "/jobs/logs/{job_name}/", this::getJobLogs);
        Routes.both(rules, Method.GET, "/jobs/{job_name}/status", this::getJobReport);
        Routes.both(rules, Method.GET, "/jobs/{job_name}/wait", this::waitForJob);
        Routes.both(rules, Method.GET, "/jobs/{job_name}", this::getJob);
        Routes.both(rules, Method.DELETE, "/jobs/{job_name}", this::deleteJob);
    }

    @Override
    protected void handleListJobs(ServerRequest request, ServerResponse response, Optional<String> cronJobName) {
        Scope scope = Scope.of(Callers.of(request, tenancy));
        Optional<String> cron = cronJobName.filter(name -> !name.isEmpty());
        if (cron.isEmpty()) {
            ListResponses.send(response, codec, WireCodec.ListKind.JOBS, pages.jobs(scope));
            return;
        }
        var cronJob = ownership.getCronJob(scope, Names.objectName("cronjob", cron.get()));
        Json.send(response, 200, codec.write(pages.jobsOwnedBy(scope, cronJob)));
    }

    @Override
    protected void handleGetJobReport(ServerRequest request, ServerResponse response, String jobName) {
        Scope scope = Scope.of(Callers.of(request, tenancy));
        Json.send(response, 200, codec.write(statuses.report(scope, Names.objectName("job", jobName))));
    }

    @Override
    protected void handleWaitForJob(ServerRequest request, ServerResponse response, String jobName,
                                    Optional<Integer> ignored) {
        Scope scope = Scope.of(Callers.of(request, tenancy));
        String name = Names.objectName("job", jobName);
        Long seconds = Names.wholeNumber("timeout_seconds", request.query().first("timeout_seconds").asOptional(), 1);
        if (seconds != null && seconds > MAX_WAIT_SECONDS) {
            throw new ApiException(422, "Query parameter 'timeout_seconds' may be at most " + MAX_WAIT_SECONDS
                    + ", got '" + seconds + "'");
        }
        Duration timeout = Duration.ofSeconds(seconds == null ? DEFAULT_WAIT_SECONDS : seconds);
        Json.send(response, 200, codec.write(statuses.await(scope, name, timeout)));
    }

    @Override
    protected void handleSubmitJob(ServerRequest request, ServerResponse response, JobSubmission submission) {
        var created = submitter.submit(Callers.of(request, tenancy), submission);
        AuditLog.subject(request, created.getMetadata().getName());
        Json.send(response, 200, codec.write(created));
    }

    @Override
    protected void handleGetJob(ServerRequest request, ServerResponse response, String jobName) {
        Scope scope = Scope.of(Callers.of(request, tenancy));
        Json.send(response, 200, codec.write(ownership.getJob(scope, Names.objectName("job", jobName))));
    }

    @Override
    protected void handleDeleteJob(ServerRequest request, ServerResponse response, String jobName) {
        Scope scope = Scope.of(Callers.of(request, tenancy));
        Json.send(response, 200, codec.write(ownership.deleteJob(scope, Names.objectName("job", jobName))));
    }

    @Override
    protected void handleGetJobLogs(ServerRequest request, ServerResponse response, String jobName,
                                    Optional<Boolean> stream, Optional<String> container, Optional<Long> tailLines,
                                    Optional<Long> sinceSeconds, Optional<Boolean> timestamps,
                                    Optional<Boolean> previous) {
        Scope scope = Scope.of(Callers.of(request, tenancy));
        boolean follow = LogQuery.stream(request);
        LogOptions options = LogQuery.options(request);
        List<Pod> pods = podsWhoseLogs(scope, Names.objectName("job or pod", jobName));
        InputStream log = jobLogs.open(scope, JobLogs.pieces(pods, options), follow);
        if (follow) {
            LogResponses.stream(response, log, metrics);
        } else {
            LogResponses.send(response, log);
        }
    }

    /**
     * The pods that {@code jobs/logs/NAME/} means: the pods of the caller's job NAME; failing that, when the caller
     * has no job of that name, the caller's pod NAME. The second is the route's older meaning, which the released
     * CLIs (0.3, 0.4) still use for {@code kbatch pod logs POD}. Whatever is not the caller's counts as absent, so
     * another user's pod gets the same 404 as a name that exists nowhere.
     */
    private List<Pod> podsWhoseLogs(Scope scope, String name) {
        List<Pod> ofJob = podLogs.podsOfJob(scope, name);
        if (!ofJob.isEmpty()) {
            return ofJob;
        }
        return ownership.findPod(scope, name).filter(pod -> ownership.findJob(scope, name).isEmpty()).map(List::of)
                .orElseThrow(() -> new ApiException(404, "No pods found for job " + name));
    }

    /** The log parameters are read by {@link LogQuery} (a bad number is a 422 in our words), not by the generated code. */
    @Override
    protected GetJobLogsOp createGetJobLogsOp() {
        return new GetJobLogsOp() {
            @Override
            protected Optional<Long> tailLines(ServerRequest request, org.kbatch.proxy.api.ValidatorUtils.Validator v) {
                return Optional.empty();
            }

            @Override
            protected Optional<Long> sinceSeconds(ServerRequest request, org.kbatch.proxy.api.ValidatorUtils.Validator v) {
                return Optional.empty();
            }
        };
    }

    /** {@code timeout_seconds} is read by the handler, which says in our words what a bad value is. */
    @Override
    protected WaitForJobOp createWaitForJobOp() {
        return new WaitForJobOp() {
            @Override
            protected Optional<Integer> timeoutSeconds(ServerRequest request,
                                                       org.kbatch.proxy.api.ValidatorUtils.Validator v) {
                return Optional.empty();
            }
        };
    }

    /** The body goes through the wire codec (the CLI's snake_case dialect), not a generic JSON binding. */
    @Override
    protected SubmitJobOp createSubmitJobOp() {
        return new SubmitJobOp() {
            @Override
            protected JobSubmission submission(ServerRequest request, org.kbatch.proxy.api.ValidatorUtils.Validator v) {
                byte[] body = request.content().hasEntity() ? request.content().as(byte[].class) : new byte[0];
                var submission = codec.readJobSubmission(body);
                limits.check(body.length, submission.code());
                return submission;
            }
        };
    }

    /** The generated service prints a farewell on stop; a server's stdout is not the place for it. */
    @Override
    public void afterStop() {
    }
}
