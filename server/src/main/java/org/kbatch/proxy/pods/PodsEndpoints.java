package org.kbatch.proxy.pods;

import java.util.Optional;

import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.kbatch.proxy.api.PodsService;
import org.kbatch.proxy.http.Callers;
import org.kbatch.proxy.tenancy.Ownership;
import org.kbatch.proxy.tenancy.Tenancy;
import org.kbatch.proxy.http.ListResponses;
import org.kbatch.proxy.http.Names;
import org.kbatch.proxy.http.Routes;
import org.kbatch.proxy.kube.Pages;
import org.kbatch.proxy.kube.PodLogs;
import org.kbatch.proxy.kube.Scope;
import org.kbatch.proxy.logs.LogResponses;
import org.kbatch.proxy.kube.LogOptions;
import org.kbatch.proxy.logs.LogQuery;
import org.kbatch.proxy.metrics.ProxyMetrics;
import org.kbatch.proxy.wire.WireCodec;

/** {@code pods/}: the caller's pods (optionally of one job) and a pod's log. */
public final class PodsEndpoints extends PodsService {

    private final Ownership ownership;
    private final Pages pages;
    private final PodLogs podLogs;
    private final Tenancy tenancy;
    private final WireCodec codec;
    private final ProxyMetrics metrics;

    public PodsEndpoints(Ownership ownership, Pages pages, PodLogs podLogs, WireCodec codec, ProxyMetrics metrics,
                         Tenancy tenancy) {
        this.tenancy = tenancy;
        this.ownership = ownership;
        this.pages = pages;
        this.podLogs = podLogs;
        this.codec = codec;
        this.metrics = metrics;
    }

    @Override
    public void routing(HttpRules rules) {
        Routes.both(rules, Method.GET, "/pods/", this::listPods);
        Routes.both(rules, Method.GET, "/pods/logs/{pod_name}/", this::getPodLogs);
    }

    @Override
    protected void handleListPods(ServerRequest request, ServerResponse response, Optional<String> jobName) {
        Scope scope = Scope.of(Callers.of(request, tenancy));
        // The CLI sends ?job_name= when no job is given: empty means all pods.
        Optional<String> job = jobName.filter(n -> !n.isEmpty()).map(n -> Names.objectName("job", n));
        ListResponses.send(response, codec, WireCodec.ListKind.PODS, pages.pods(scope, job));
    }

    @Override
    protected void handleGetPodLogs(ServerRequest request, ServerResponse response, String podName,
                                    Optional<Boolean> stream, Optional<String> container, Optional<Long> tailLines,
                                    Optional<Long> sinceSeconds, Optional<Boolean> timestamps,
                                    Optional<Boolean> previous) {
        Scope scope = Scope.of(Callers.of(request, tenancy));
        boolean follow = LogQuery.stream(request);
        LogOptions options = LogQuery.options(request);
        String pod = Names.objectName("pod", podName);
        ownership.getPod(scope, pod); // another user's pod is a 404, as one that does not exist
        if (follow) {
            LogResponses.stream(response, podLogs.follow(scope, pod, options), metrics);
        } else {
            LogResponses.send(response, podLogs.read(scope, pod, options));
        }
    }

    /** The log parameters are read by {@link LogQuery} (a bad number is a 422 in our words), not by the generated code. */
    @Override
    protected GetPodLogsOp createGetPodLogsOp() {
        return new GetPodLogsOp() {
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

    /** The generated service prints a farewell on stop; a server's stdout is not the place for it. */
    @Override
    public void afterStop() {
    }
}
