package org.kbatch.proxy.events;

import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.kbatch.proxy.api.EventsService;
import org.kbatch.proxy.http.Caller;
import org.kbatch.proxy.http.Json;
import org.kbatch.proxy.http.Names;
import org.kbatch.proxy.http.Routes;
import org.kbatch.proxy.kube.KubernetesGateway;
import org.kbatch.proxy.tenancy.Tenancy;
import org.kbatch.proxy.wire.WireCodec;

/** {@code events/?job_name=J}: why a job is pending or failing, from Kubernetes' events about it and its pods. */
public final class EventsEndpoints extends EventsService {

    private final KubernetesGateway kube;
    private final WireCodec codec;
    private final Tenancy tenancy;

    public EventsEndpoints(KubernetesGateway kube, WireCodec codec, Tenancy tenancy) {
        this.kube = kube;
        this.codec = codec;
        this.tenancy = tenancy;
    }

    @Override
    public void routing(HttpRules rules) {
        Routes.both(rules, Method.GET, "/events/", this::listJobEvents);
    }

    @Override
    protected void handleListJobEvents(ServerRequest request, ServerResponse response, String jobName) {
        Caller caller = Caller.of(request, tenancy);
        Json.send(response, 200, codec.write(kube.jobEvents(caller.scope(), Names.objectName("job", jobName))));
    }

    /** The generated service prints a farewell on stop; a server's stdout is not the place for it. */
    @Override
    public void afterStop() {
    }
}
