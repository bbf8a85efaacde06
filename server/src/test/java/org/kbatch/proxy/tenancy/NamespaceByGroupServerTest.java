package org.kbatch.proxy.tenancy;

import java.net.URI;
import java.util.List;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.kbatch.client.ApiException;
import org.kbatch.client.api.JobsApi;
import org.kbatch.client.api.ServiceApi;
import org.kbatch.client.model.Container;
import org.kbatch.client.model.Job;
import org.kbatch.client.model.JobSpec;
import org.kbatch.client.model.JobSubmission;
import org.kbatch.client.model.ObjectMeta;
import org.kbatch.client.model.PodSpec;
import org.kbatch.client.model.PodTemplateSpec;
import org.kbatch.proxy.testing.ProxyServer;
import org.kbatch.proxy.testing.StubHub;
import org.kbatch.proxy.testing.TestServers;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** KBATCH_NAMESPACE_BY_GROUP with fallback deny: the first of the user's groups with a namespace wins. */
class NamespaceByGroupServerTest {

    @RegisterExtension
    static final ProxyServer PROXY = ProxyServer.onMockCluster()
            .user("dana-token", "dana", List.of("analysts"), List.of("access:services!service=kbatch"))
            .user("eve-token", "eve", List.of("staff", "physics", "analysts"), List.of("access:services!service=kbatch"))
            .user("frank-token", "frank", List.of("staff"), List.of("access:services!service=kbatch"))
            .env("KBATCH_NAMESPACE_BY_GROUP", "{\"analysts\": \"team-analysts\", \"physics\": \"team-physics\"}")
            .env("KBATCH_NAMESPACE_BY_GROUP_FALLBACK", "deny")
            .env("KBATCH_PROFILE_FILE", "src/test/resources/homes/profiles.yaml")
            .build();
    private static final StubHub HUB = PROXY.hub();
    static final KubernetesMockServer server = PROXY.mock();
    static final KubernetesClient client = PROXY.kubernetes();

    private final JobsApi jobs;
    private final ServiceApi service;

    NamespaceByGroupServerTest(URI uri) {
        this.jobs = new JobsApi(TestServers.client(uri, ""));
        this.service = new ServiceApi(TestServers.client(uri, ""));
    }

    @Test
    void profilesStayPublicForAUserPlacedNowhere() throws Exception {
        // dana's group has a namespace: her values; frank's has none (fallback deny): the profiles as written.
        assertThat(service.getProfiles(TestServers.token("dana-token")).get("small").getAdditionalProperty("home"),
                is("claim-dana in team-analysts"));
        assertThat(service.getProfiles(TestServers.token("frank-token")).get("small").getAdditionalProperty("home"),
                is("claim-{escaped_username} in {namespace}"));
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
        ApiException frank = assertThrows(ApiException.class, () -> jobs.listJobs(null, TestServers.token("frank-token")));
        assertThat(frank.getCode(), is(403));
        assertThat(frank.getResponseBody(), containsString("in no group that has a kbatch namespace"));
        // nobody's namespace was created by the proxy, and each sees only their own job
        assertThat(client.namespaces().list().getItems(), empty());
        assertThat(jobs.listJobs(null, TestServers.token("dana-token")).getItems(), hasSize(1));
    }
}
