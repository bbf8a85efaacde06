package org.kbatch.proxy.tenancy;

import java.net.URI;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.kbatch.client.ApiException;
import org.kbatch.client.api.JobsApi;
import org.kbatch.client.model.Container;
import org.kbatch.client.model.Job;
import org.kbatch.client.model.JobSpec;
import org.kbatch.client.model.JobSubmission;
import org.kbatch.client.model.ObjectMeta;
import org.kbatch.client.model.PodSpec;
import org.kbatch.client.model.PodTemplateSpec;
import org.kbatch.proxy.Main;
import org.kbatch.proxy.config.ProxyConfig;
import org.kbatch.proxy.kube.KubernetesClients;
import org.kbatch.proxy.testing.StubHub;
import org.kbatch.proxy.testing.TestServers;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** KBATCH_NAMESPACE_BY_GROUP with fallback deny: the first of the user's groups with a namespace wins. */
@EnableKubernetesMockClient(crud = true, https = false)
@ServerTest
class NamespaceByGroupServerTest {

    static KubernetesMockServer server;
    static KubernetesClient client;

    private static final StubHub HUB = StubHub.start()
            .user("dana-token", "dana", List.of("analysts"), List.of("access:services!service=kbatch"))
            .user("eve-token", "eve", List.of("staff", "physics", "analysts"), List.of("access:services!service=kbatch"))
            .user("frank-token", "frank", List.of("staff"), List.of("access:services!service=kbatch"));

    private final JobsApi jobs;

    NamespaceByGroupServerTest(URI uri) {
        this.jobs = new JobsApi(TestServers.client(uri, ""));
    }

    @SetUpServer
    static void setUp(WebServerConfig.Builder builder) {
        ProxyConfig config = TestServers.config(Map.of("JUPYTERHUB_API_URL", HUB.apiUrl(),
                "KBATCH_NAMESPACE_BY_GROUP", "{\"analysts\": \"team-analysts\", \"physics\": \"team-physics\"}",
                "KBATCH_NAMESPACE_BY_GROUP_FALLBACK", "deny"));
        Main.setUp(builder, config,
                Main.Components.create(config, KubernetesClients.forUrl(client.getMasterUrl().toString())));
    }

    @AfterAll
    static void stopHub() {
        HUB.stop();
    }

    private static JobSubmission job() {
        return new JobSubmission().job(new Job().apiVersion("batch/v1").kind("Job")
                .metadata(new ObjectMeta().generateName("g-"))
                .spec(new JobSpec().template(new PodTemplateSpec().spec(new PodSpec().restartPolicy("Never")
                        .containers(List.of(new Container().name("job").image("busybox")))))));
    }

    @Test
    void usersLandInTheirGroupsNamespaceAndOthersAreRefused() throws Exception {
        assertThat(jobs.submitJob(job(), TestServers.token("dana-token")).getMetadata().getNamespace(),
                is("team-analysts"));
        // eve's groups in the hub's order: staff (no namespace), physics, analysts -> physics
        assertThat(jobs.submitJob(job(), TestServers.token("eve-token")).getMetadata().getNamespace(),
                is("team-physics"));
        ApiException frank = assertThrows(ApiException.class, () -> jobs.listJobs(TestServers.token("frank-token")));
        assertThat(frank.getCode(), is(403));
        assertThat(frank.getResponseBody(), containsString("in no group that has a kbatch namespace"));
        // nobody's namespace was created by the proxy, and each sees only their own job
        assertThat(client.namespaces().list().getItems(), empty());
        assertThat(jobs.listJobs(TestServers.token("dana-token")).getItems(), hasSize(1));
    }
}
