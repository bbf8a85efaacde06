package org.kbatch.proxy.submit;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.kbatch.client.ApiClient;
import org.kbatch.client.api.JobsApi;
import org.kbatch.client.model.Job;
import org.kbatch.client.model.JobSubmission;
import org.kbatch.proxy.demo.DemoCluster;
import org.kbatch.proxy.testing.ProxyServer;
import org.kbatch.proxy.testing.WireFixtures;
import org.kbatch.proxy.testing.FaultInjector;
import org.kbatch.proxy.testing.TestServers;
import tools.jackson.databind.JsonNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasEntry;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

/**
 * The proxy remembers the user namespaces it saw exist (it may not read namespaces): a user's later submissions make
 * no namespace or quota call, and a namespace deleted behind its back is created again by the next submission. Run
 * against the demo cluster, which, like the API server, refuses a create in a missing namespace with a 404, behind a
 * hop that records the calls.
 */
class KnownNamespacesServerTest {

    @RegisterExtension
    static final ProxyServer PROXY = ProxyServer.on(DemoCluster.start())
            .user("alice-token", "alice").user("bob-token", "bob")
            .env("KBATCH_USER_RESOURCE_QUOTA_FILE", Path.of("src/test/resources/proxy/user-quota.yaml").toString())
            .env("KBATCH_USER_LIMIT_RANGE_FILE", Path.of("src/test/resources/proxy/user-limits.yaml").toString())
            .throughFaultInjector()
            .build();
    private static final KubernetesClient K8S = PROXY.kubernetes();
    private static final FaultInjector KUBE = PROXY.faults();

    private final ApiClient api;
    private final JobsApi jobs;

    KnownNamespacesServerTest(URI uri) {
        this.api = TestServers.client(uri, "");
        this.jobs = new JobsApi(api);
    }

    private JobSubmission submission() throws Exception {
        JsonNode body = WireFixtures.requestBody("05-job-submit-with-code");
        return api.getObjectMapper().readValue(body.toString(), JobSubmission.class);
    }

    @Test
    void aUsersSecondSubmissionMakesNoNamespaceOrQuotaCall() throws Exception {
        KUBE.clearCalls();
        jobs.submitJob(submission(), TestServers.token("alice-token"));
        assertThat(KUBE.calls(), hasItem("POST /api/v1/namespaces"));

        KUBE.clearCalls();
        Job second = jobs.submitJob(submission(), TestServers.token("alice-token"));
        assertThat(second.getMetadata().getNamespace(), is("kbatch-alice"));
        assertThat(KUBE.calls().stream().filter(c -> c.equals("POST /api/v1/namespaces")
                || c.contains("/resourcequotas") || c.contains("/limitranges")).toList(), empty());
        assertThat(K8S.batch().v1().jobs().inNamespace("kbatch-alice").list().getItems().size(), is(2));
    }

    @Test
    void aNamespaceDeletedBehindTheProxysBackIsCreatedAgain() throws Exception {
        jobs.submitJob(submission(), TestServers.token("bob-token"));
        // An admin deletes the namespace. The demo cluster does not cascade, so what the API server would delete
        // with it is deleted here first.
        K8S.batch().v1().jobs().inNamespace("kbatch-bob").delete();
        K8S.secrets().inNamespace("kbatch-bob").delete();
        K8S.configMaps().inNamespace("kbatch-bob").delete();
        K8S.resourceQuotas().inNamespace("kbatch-bob").delete();
        K8S.limitRanges().inNamespace("kbatch-bob").delete();
        K8S.namespaces().withName("kbatch-bob").delete();

        KUBE.clearCalls();
        Job job = jobs.submitJob(submission(), TestServers.token("bob-token"));

        // The user notices nothing: the job is there, in the namespace made again as the proxy makes it.
        assertThat(K8S.batch().v1().jobs().inNamespace("kbatch-bob").withName(job.getMetadata().getName()).get(),
                notNullValue());
        Namespace namespace = K8S.namespaces().withName("kbatch-bob").get();
        assertThat(namespace, notNullValue());
        assertThat(namespace.getMetadata().getLabels(), hasEntry("app.kubernetes.io/managed-by", "kbatch-proxy"));
        assertThat(K8S.resourceQuotas().inNamespace("kbatch-bob").withName("kbatch-user-quota").get(), notNullValue());
        assertThat(K8S.limitRanges().inNamespace("kbatch-bob").withName("kbatch-user-limits").get(), notNullValue());
        assertThat(K8S.secrets().inNamespace("kbatch-bob").list().getItems().size(), is(1));
        assertThat(K8S.configMaps().inNamespace("kbatch-bob").list().getItems().size(), is(1));
        // It took one refused attempt to find out.
        List<String> calls = KUBE.calls();
        assertThat(calls, hasItem("POST /api/v1/namespaces"));
        assertThat(calls.stream().filter(c -> c.equals("POST /apis/batch/v1/namespaces/kbatch-bob/jobs")).count(),
                is(1L));

        // And it is known again.
        KUBE.clearCalls();
        jobs.submitJob(submission(), TestServers.token("bob-token"));
        assertThat(KUBE.calls().stream().filter(c -> c.equals("POST /api/v1/namespaces")).toList(), empty());
    }
}
