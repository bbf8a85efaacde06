package org.kbatch.proxy.submit;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.kbatch.client.ApiException;
import org.kbatch.client.api.JobsApi;
import org.kbatch.client.model.Container;
import org.kbatch.client.model.Job;
import org.kbatch.client.model.JobSpec;
import org.kbatch.client.model.JobSubmission;
import org.kbatch.client.model.ObjectMeta;
import org.kbatch.client.model.PodSpec;
import org.kbatch.client.model.PodTemplateSpec;
import org.kbatch.proxy.testing.ProxyServer;
import org.kbatch.proxy.testing.FaultInjector;
import org.kbatch.proxy.testing.MockCluster;
import org.kbatch.proxy.testing.StubHub;
import org.kbatch.proxy.testing.TestServers;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Per-user ResourceQuota and LimitRange: created with a new user namespace, added to an existing one on the user's
 * next submission, and a submission over quota gets Kubernetes' refusal relayed (the mock cannot enforce quotas, so
 * the refusal is injected exactly as the API server words it).
 */
class QuotasServerTest {

    @RegisterExtension
    static final ProxyServer PROXY = ProxyServer.onMockCluster().user("alice-token", "alice").user("bob-token", "bob")
            .user("carl-token", "carl")
            .env("KBATCH_USER_RESOURCE_QUOTA_FILE", Path.of("src/test/resources/proxy/user-quota.yaml").toString())
            .env("KBATCH_USER_LIMIT_RANGE_FILE", Path.of("src/test/resources/proxy/user-limits.yaml").toString())
            .throughFaultInjector()
            .build();
    private static final StubHub HUB = PROXY.hub();
    static final KubernetesMockServer server = PROXY.mock();
    static final KubernetesClient client = PROXY.kubernetes();
    private static final FaultInjector kube = PROXY.faults();

    private final JobsApi jobs;

    QuotasServerTest(URI uri) {
        this.jobs = new JobsApi(TestServers.client(uri, ""));
    }

    private static JobSubmission job() {
        return new JobSubmission().job(new Job().apiVersion("batch/v1").kind("Job")
                .metadata(new ObjectMeta().generateName("q-"))
                .spec(new JobSpec().template(new PodTemplateSpec().spec(new PodSpec().restartPolicy("Never")
                        .containers(List.of(new Container().name("job").image("busybox")))))));
    }

    @AfterEach
    void heal() {
        kube.heal();
    }

    @Test
    void aNewUserNamespaceGetsTheQuotaAndTheLimitRange() throws Exception {
        jobs.submitJob(job(), TestServers.token("alice-token"));
        var quota = client.resourceQuotas().inNamespace("kbatch-alice").withName("kbatch-user-quota").get();
        assertThat(quota, notNullValue());
        assertThat(quota.getSpec().getHard().get("count/jobs.batch").toString(), is("20"));
        assertThat(client.limitRanges().inNamespace("kbatch-alice").withName("kbatch-user-limits").get(), notNullValue());
        // a second submission does not ask again
        kube.clearCalls();
        jobs.submitJob(job(), TestServers.token("alice-token"));
        assertThat(kube.calls().stream().filter(c -> c.contains("resourcequotas") || c.contains("limitranges")).toList(),
                empty());
    }

    @Test
    void anExistingNamespaceGetsThemOnTheNextSubmission() throws Exception {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("kbatch-bob").endMetadata()
                .build()).create();
        jobs.submitJob(job(), TestServers.token("bob-token"));
        assertThat(client.resourceQuotas().inNamespace("kbatch-bob").withName("kbatch-user-quota").get(), notNullValue());
        assertThat(client.limitRanges().inNamespace("kbatch-bob").withName("kbatch-user-limits").get(), notNullValue());
    }

    @Test
    void aSubmissionOverQuotaGetsKubernetesRefusalAndLeavesNothing() {
        String refusal = "jobs.batch \"q-abcde\" is forbidden: exceeded quota: kbatch-user-quota, requested:"
                + " count/jobs.batch=1, used: count/jobs.batch=20, limited: count/jobs.batch=20";
        kube.fail(403, refusal, (m, p) -> m.equals("POST") && p.endsWith("/jobs"));
        ApiException e = assertThrows(ApiException.class, () -> jobs.submitJob(job(), TestServers.token("carl-token")));
        assertThat(e.getCode(), is(403));
        assertThat(e.getResponseBody(), is("{\"detail\":\"" + refusal.replace("\"", "\\\"") + "\"}"));
        assertThat(MockCluster.secrets(client).stream().filter(s -> s.getMetadata().getNamespace().equals("kbatch-carl"))
                .toList(), empty());
    }
}
