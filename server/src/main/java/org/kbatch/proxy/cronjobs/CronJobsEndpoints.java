package org.kbatch.proxy.cronjobs;

import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.kbatch.proxy.api.CronjobsService;
import org.kbatch.proxy.audit.AuditLog;
import org.kbatch.proxy.caller.Caller;
import org.kbatch.proxy.http.Callers;
import org.kbatch.proxy.tenancy.Ownership;
import org.kbatch.proxy.tenancy.Tenancy;
import org.kbatch.proxy.http.Json;
import org.kbatch.proxy.http.ListResponses;
import org.kbatch.proxy.http.Names;
import org.kbatch.proxy.http.Routes;
import org.kbatch.proxy.kube.Pages;
import org.kbatch.proxy.kube.Scope;
import org.kbatch.proxy.submit.Submitter;
import org.kbatch.proxy.wire.CronJobSubmission;
import org.kbatch.proxy.wire.WireCodec;
import org.kbatch.proxy.http.BodyLimits;
import org.kbatch.proxy.api.model.CronJobPatch;
import org.kbatch.proxy.errors.ApiException;
import org.kbatch.proxy.kube.KubernetesObjects;

/**
 * {@code cronjobs/}: list, submit, show and delete the caller's cronjobs; pause and resume them ({@code PATCH} with
 * {@code {"suspend": ...}}) and start one of their jobs now ({@code POST cronjobs/NAME/jobs}).
 */
public final class CronJobsEndpoints extends CronjobsService {

    /** The one change {@code PATCH cronjobs/NAME} accepts. */
    public record SuspendRequest(Boolean suspend) {
    }

    private final Ownership ownership;
    private final Pages pages;
    private final KubernetesObjects objects;
    private final Tenancy tenancy;
    private final Submitter submitter;
    private final WireCodec codec;
    private final BodyLimits limits;

    public CronJobsEndpoints(Ownership ownership, Pages pages, KubernetesObjects objects, Submitter submitter,
                             WireCodec codec, BodyLimits limits, Tenancy tenancy) {
        this.limits = limits;
        this.tenancy = tenancy;
        this.ownership = ownership;
        this.pages = pages;
        this.objects = objects;
        this.submitter = submitter;
        this.codec = codec;
    }

    @Override
    public void routing(HttpRules rules) {
        Routes.both(rules, Method.GET, "/cronjobs/", this::listCronJobs);
        Routes.both(rules, Method.POST, "/cronjobs/", this::submitCronJob);
        Routes.both(rules, Method.GET, "/cronjobs/{cronjob_name}", this::getCronJob);
        Routes.both(rules, Method.DELETE, "/cronjobs/{cronjob_name}", this::deleteCronJob);
        Routes.both(rules, Method.PATCH, "/cronjobs/{cronjob_name}", this::patchCronJob);
        Routes.both(rules, Method.POST, "/cronjobs/{cronjob_name}/jobs", this::triggerCronJob);
    }

    @Override
    protected void handlePatchCronJob(ServerRequest request, ServerResponse response, String cronjobName,
                                      CronJobPatch ignored) {
        Scope scope = Scope.of(Callers.of(request, tenancy));
        String name = Names.objectName("cronjob", cronjobName);
        byte[] body = request.content().hasEntity() ? request.content().as(byte[].class) : new byte[0];
        limits.check(body.length, null);
        SuspendRequest change = codec.read(body, SuspendRequest.class);
        if (change == null || change.suspend() == null) {
            throw new ApiException(422, "The body must be {\"suspend\": true} or {\"suspend\": false}");
        }
        var cronJob = ownership.getCronJob(scope, name);
        AuditLog.subject(request, name);
        Json.send(response, 200, codec.write(objects.suspendCronJob(cronJob, change.suspend())));
    }

    @Override
    protected void handleTriggerCronJob(ServerRequest request, ServerResponse response, String cronjobName) {
        Caller caller = Callers.of(request, tenancy);
        var cronJob = ownership.getCronJob(Scope.of(caller), Names.objectName("cronjob", cronjobName));
        var created = submitter.trigger(caller, cronJob);
        AuditLog.subject(request, created.getMetadata().getName());
        Json.send(response, 200, codec.write(created));
    }

    /** The body is read by the wire codec (its JSON checks and words), in the handler. */
    @Override
    protected PatchCronJobOp createPatchCronJobOp() {
        return new PatchCronJobOp() {
            @Override
            protected CronJobPatch cronJobPatch(ServerRequest request,
                                                org.kbatch.proxy.api.ValidatorUtils.Validator v) {
                return new CronJobPatch();
            }
        };
    }

    @Override
    protected void handleListCronJobs(ServerRequest request, ServerResponse response) {
        ListResponses.send(response, codec, WireCodec.ListKind.CRONJOBS,
                pages.cronJobs(Scope.of(Callers.of(request, tenancy))));
    }

    @Override
    protected void handleSubmitCronJob(ServerRequest request, ServerResponse response, CronJobSubmission submission) {
        var created = submitter.submit(Callers.of(request, tenancy), submission);
        AuditLog.subject(request, created.getMetadata().getName());
        Json.send(response, 200, codec.write(created));
    }

    @Override
    protected void handleGetCronJob(ServerRequest request, ServerResponse response, String cronjobName) {
        Scope scope = Scope.of(Callers.of(request, tenancy));
        Json.send(response, 200,
                codec.write(ownership.getCronJob(scope, Names.objectName("cronjob", cronjobName))));
    }

    @Override
    protected void handleDeleteCronJob(ServerRequest request, ServerResponse response, String cronjobName) {
        Scope scope = Scope.of(Callers.of(request, tenancy));
        Json.send(response, 200,
                codec.write(ownership.deleteCronJob(scope, Names.objectName("cronjob", cronjobName))));
    }

    @Override
    protected SubmitCronJobOp createSubmitCronJobOp() {
        return new SubmitCronJobOp() {
            @Override
            protected CronJobSubmission submission(ServerRequest request,
                                                          org.kbatch.proxy.api.ValidatorUtils.Validator v) {
                byte[] body = request.content().hasEntity() ? request.content().as(byte[].class) : new byte[0];
                var submission = codec.readCronJobSubmission(body);
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
