package org.kbatch.proxy.metrics;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.kbatch.client.ApiException;
import org.kbatch.client.api.JobsApi;
import org.kbatch.client.api.ServiceApi;
import org.kbatch.proxy.testing.ProxyServer;
import org.kbatch.proxy.testing.StubHub;
import org.kbatch.proxy.testing.TestServers;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** /observe/metrics in Prometheus format: requests by route and status, Kubernetes calls, hub lookups, the cache. */
class MetricsServerTest {

    @RegisterExtension
    static final ProxyServer PROXY = ProxyServer.onMockCluster().user("metrics-token", "metrics-user")
            .build();
    private static final StubHub HUB = PROXY.hub();
    static final KubernetesMockServer server = PROXY.mock();
    static final KubernetesClient client = PROXY.kubernetes();

    private final URI uri;
    private final ServiceApi service;
    private final JobsApi jobs;

    MetricsServerTest(URI uri) {
        this.uri = uri;
        this.service = new ServiceApi(TestServers.client(uri, ""));
        this.jobs = new JobsApi(TestServers.client(uri, ""));
    }

    private String metrics() throws Exception {
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri.resolve("/observe/metrics"))
                .header("Accept", "text/plain").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode(), is(200));
        return res.body();
    }

    /** The value of the first sample whose line starts with {@code name} and contains every label. */
    private static double sample(String text, String name, String... labels) {
        for (String line : text.split("\n")) {
            if (!line.startsWith(name + "{")) {
                continue;
            }
            boolean all = true;
            for (String label : labels) {
                all &= line.contains(label);
            }
            if (all) {
                Matcher m = Pattern.compile("} ([0-9.eE+-]+)").matcher(line);
                if (m.find()) {
                    return Double.parseDouble(m.group(1));
                }
            }
        }
        return 0;
    }

    @Test
    void requestsKubernetesCallsHubLookupsAndTheCacheAreCounted() throws Exception {
        Map<String, String> token = TestServers.token("metrics-token");
        String before = metrics();
        service.getAuthorized(token);
        service.getAuthorized(token);
        jobs.listJobs(null, token);
        assertThrows(ApiException.class, () -> jobs.getJob("no-such-job", token));
        String after = metrics();

        String authorized200 = "route=\"/authorized\"";
        assertThat(sample(after, "kbatch_requests_seconds_count", authorized200, "status=\"200\"")
                - sample(before, "kbatch_requests_seconds_count", authorized200, "status=\"200\""), is(2.0));
        assertThat(sample(after, "kbatch_requests_seconds_count", "route=\"/jobs/{job_name}\"", "status=\"404\""),
                greaterThanOrEqualTo(1.0));
        assertThat(after, containsString("kbatch_requests_seconds_bucket{"));
        assertThat(sample(after, "kbatch_kubernetes_calls_seconds_count", "operation=\"list-jobs\"", "outcome=\"ok\"")
                - sample(before, "kbatch_kubernetes_calls_seconds_count", "operation=\"list-jobs\"", "outcome=\"ok\""),
                is(1.0));
        assertThat(sample(after, "kbatch_kubernetes_calls_seconds_count", "operation=\"get-job\""),
                greaterThanOrEqualTo(1.0));
        assertThat(sample(after, "kbatch_hub_lookups_total", "outcome=\"user\"")
                - sample(before, "kbatch_hub_lookups_total", "outcome=\"user\""), is(1.0));
        assertThat(sample(after, "kbatch_token_cache_total", "result=\"hit\"")
                - sample(before, "kbatch_token_cache_total", "result=\"hit\""), is(3.0));
        assertThat(after, containsString("kbatch_token_cache_hit_ratio"));
        assertThat(after, containsString("kbatch_log_streams_active"));
    }
}
