package org.kbatch.proxy.events;

import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.kbatch.proxy.api.EventsService;
import org.kbatch.proxy.errors.ApiException;
import org.kbatch.proxy.http.Callers;
import org.kbatch.proxy.http.Json;
import org.kbatch.proxy.http.Names;
import org.kbatch.proxy.http.Routes;
import org.kbatch.proxy.kube.Scope;
import org.kbatch.proxy.tenancy.Tenancy;
import org.kbatch.proxy.wire.WireCodec;

/** {@code events/?job_name=J}: why a job is pending or failing, from Kubernetes' events about it and its pods. */
public final class EventsEndpoints extends EventsService {

    private final JobEvents events;
    private final WireCodec codec;
    private final Tenancy tenancy;

    public EventsEndpoints(JobEvents events, WireCodec codec, Tenancy tenancy) {
        this.events = events;
        this.codec = codec;
        this.tenancy = tenancy;
    }

    @Override
    public void routing(HttpRules rules) {
        Routes.both(rules, Method.GET, "/events/", this::listJobEvents);
    }

    @Override
    protected void handleListJobEvents(ServerRequest request, ServerResponse response, String jobName) {
        Scope scope = Scope.of(Callers.of(request, tenancy));
        Json.send(response, 200, codec.write(events.of(scope, Names.objectName("job", jobName))));
    }

    /** A missing {@code job_name} is said in our words (the generated check names its own class). */
    @Override
    protected ListJobEventsOp createListJobEventsOp() {
        return new ListJobEventsOp() {
            @Override
            protected String jobName(ServerRequest request, org.kbatch.proxy.api.ValidatorUtils.Validator v) {
                return request.query().first("job_name").asOptional().orElseThrow(() -> new ApiException(422,
                        "Query parameter 'job_name' is required: the job whose events to list"));
            }
        };
    }

    /** The generated service prints a farewell on stop; a server's stdout is not the place for it. */
    @Override
    public void afterStop() {
    }
}
