package org.kbatch.proxy.jobs;

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
import org.kbatch.proxy.logs.LogResponses;
import org.kbatch.proxy.metrics.ProxyMetrics;
import org.kbatch.proxy.submit.Submitter;
import org.kbatch.proxy.wire.JobSubmission;
import org.kbatch.proxy.wire.WireCodec;

/** {@code jobs/}: list, submit, show, delete the caller's jobs, and their logs. */
public final class JobsEndpoints extends JobsService {

    private final Ownership ownership;
    private final Pages pages;
    private final PodLogs podLogs;
    private final Tenancy tenancy;
    private final Submitter submitter;
    private final WireCodec codec;
    private final ProxyMetrics metrics;

    public JobsEndpoints(Ownership ownership, Pages pages, PodLogs podLogs, Submitter submitter, WireCodec codec,
                         ProxyMetrics metrics, Tenancy tenancy) {
        this.tenancy = tenancy;
        this.ownership = ownership;
        this.pages = pages;
        this.podLogs = podLogs;
        this.submitter = submitter;
        this.codec = codec;
        this.metrics = metrics;
    }

    @Override
    public void routing(HttpRules rules) {
        Routes.both(rules, Method.GET, "/jobs/", this::listJobs);
        Routes.both(rules, Method.POST, "/jobs/", this::submitJob);
        Routes.both(rules, Method.GET, "/jobs/logs/{job_name}/", this::getJobLogs);
        Routes.both(rules, Method.GET, "/jobs/{job_name}", this::getJob);
        Routes.both(rules, Method.DELETE, "/jobs/{job_name}", this::deleteJob);
    }

    @Override
    protected void handleListJobs(ServerRequest request, ServerResponse response) {
        Scope scope = Scope.of(Callers.of(request, tenancy));
        ListResponses.send(response, codec, WireCodec.ListKind.JOBS, pages.jobs(scope));
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
                                    Optional<Boolean> ignored) {
        Scope scope = Scope.of(Callers.of(request, tenancy));
        boolean stream = Names.flag("stream", request.query().first("stream").asOptional());
        Pod pod = podWhoseLogs(scope, Names.objectName("job or pod", jobName));
        if (stream) {
            LogResponses.stream(response, podLogs.follow(scope, pod.getMetadata().getName()), metrics);
        } else {
            LogResponses.send(response, podLogs.read(scope, pod.getMetadata().getName()));
        }
    }

    /**
     * The pod that {@code jobs/logs/NAME/} means: the first pod of the caller's job NAME; failing that, when the caller
     * has no job of that name, the caller's pod NAME. The second is the route's older meaning, which the released
     * CLIs (0.3, 0.4) still use for {@code kbatch pod logs POD}. Whatever is not the caller's counts as absent, so
     * another user's pod gets the same 404 as a name that exists nowhere.
     */
    private Pod podWhoseLogs(Scope scope, String name) {
        return podLogs.firstPodOfJob(scope, name)
                .or(() -> ownership.findPod(scope, name).filter(pod -> ownership.findJob(scope, name).isEmpty()))
                .orElseThrow(() -> new ApiException(404, "No pods found for job " + name));
    }

    /** The body goes through the wire codec (the CLI's snake_case dialect), not a generic JSON binding. */
    @Override
    protected SubmitJobOp createSubmitJobOp() {
        return new SubmitJobOp() {
            @Override
            protected JobSubmission submission(ServerRequest request, org.kbatch.proxy.api.ValidatorUtils.Validator v) {
                return codec.readJobSubmission(request.content().hasEntity() ? request.content().as(byte[].class) : new byte[0]);
            }
        };
    }

    /** The generated service prints a farewell on stop; a server's stdout is not the place for it. */
    @Override
    public void afterStop() {
    }
}
