package org.kbatch.proxy.tenancy;

import java.net.URI;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.kbatch.client.ApiClient;
import org.kbatch.client.ApiException;
import org.kbatch.client.api.CronjobsApi;
import org.kbatch.client.api.EventsApi;
import org.kbatch.client.api.JobsApi;
import org.kbatch.client.api.PodsApi;
import org.kbatch.client.model.CronJobSubmission;
import org.kbatch.client.model.JobSubmission;
import org.kbatch.proxy.testing.ProxyServer;
import org.kbatch.proxy.testing.WireFixtures;
import org.kbatch.proxy.testing.StubHub;
import org.kbatch.proxy.testing.TestServers;
import tools.jackson.databind.JsonNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.hamcrest.Matchers.everyItem;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * KBATCH_JOB_NAMESPACE: every user's jobs in one namespace, isolated by the username label as strongly as by
 * namespaces: user B cannot see, show, delete, read logs or events of user A's jobs, whatever they send.
 */
class SharedNamespaceServerTest {

    private static final String SHARED = "batch-shared";
    @RegisterExtension
    static final ProxyServer PROXY = ProxyServer.onMockCluster().user("alice-token", "alice").user("bob-token", "bob")
            .env("KBATCH_JOB_NAMESPACE", SHARED)
            .env("KBATCH_CREATE_USER_NAMESPACE", "false")
            .build();
    private static final StubHub HUB = PROXY.hub();
    static final KubernetesMockServer server = PROXY.mock();
    static final KubernetesClient client = PROXY.kubernetes();
    private static final Map<String, String> ALICE = TestServers.token("alice-token");
    private static final Map<String, String> BOB = TestServers.token("bob-token");

    private final ApiClient api;
    private final JobsApi jobs;
    private final CronjobsApi cronjobs;
    private final PodsApi pods;
    private final EventsApi events;

    SharedNamespaceServerTest(URI uri) {
        this.api = TestServers.client(uri, "");
        this.jobs = new JobsApi(api);
        this.cronjobs = new CronjobsApi(api);
        this.pods = new PodsApi(api);
        this.events = new EventsApi(api);
    }

    private JobSubmission submission(String fixedName) throws Exception {
        JsonNode body = WireFixtures.requestBody("05-job-submit-with-code");
        JobSubmission s = api.getObjectMapper().readValue(body.toString(), JobSubmission.class);
        if (fixedName != null) {
            s.getJob().getMetadata().setGenerateName(null);
            s.getJob().getMetadata().setName(fixedName);
        }
        return s;
    }

    @Test
    void usersShareTheNamespaceButNeverSeeEachOther() throws Exception {
        String a = jobs.submitJob(submission(null), ALICE).getMetadata().getName();
        String b = jobs.submitJob(submission(null), BOB).getMetadata().getName();
        assertThat(client.batch().v1().jobs().inNamespace(SHARED).withName(a).get().getMetadata().getNamespace(), is(SHARED));
        assertThat(client.namespaces().list().getItems(), empty());

        client.pods().inNamespace(SHARED).resource(new PodBuilder().withNewMetadata().withName(a + "-p")
                .addToLabels("job-name", a).addToLabels("batch.kubernetes.io/job-name", a)
                .addToLabels("kbatch.jupyter.org/username", "alice").endMetadata().build()).create();
        client.v1().events().inNamespace(SHARED).resource(new EventBuilder().withNewMetadata().withName("e1").endMetadata()
                .withNewInvolvedObject().withKind("Job").withName(a).withNamespace(SHARED).endInvolvedObject()
                .withReason("SuccessfulCreate").withLastTimestamp("2026-11-25T12:00:00Z").build()).create();

        var alices = jobs.listJobs(null, ALICE).getItems();
        var bobs = jobs.listJobs(null, BOB).getItems();
        assertThat(alices.stream().map(j -> j.getMetadata().getName()).toList(), hasItem(a));
        assertThat(alices.stream().map(j -> j.getMetadata().getName()).toList(), not(hasItem(b)));
        assertThat(bobs.stream().map(j -> j.getMetadata().getName()).toList(), hasItem(b));
        assertThat(bobs.stream().map(j -> j.getMetadata().getName()).toList(), not(hasItem(a)));
        assertThat(alices.stream().map(j -> j.getMetadata().getLabels().get("kbatch.jupyter.org/username")).toList(),
                everyItem(is("alice")));
        assertThat(pods.listPods("", BOB).getItems(), empty());
        assertThat(pods.listPods(a, BOB).getItems(), empty());
        assertThat(pods.listPods(a, ALICE).getItems(), hasSize(1));
        server.expect().get().withPath("/api/v1/namespaces/" + SHARED + "/pods/" + a + "-p/log")
                .andReturn(200, "alice's log\n").always();
        for (var call : List.<org.junit.jupiter.api.function.Executable>of(
                () -> jobs.getJob(a, BOB), () -> jobs.deleteJob(a, BOB), () -> jobs.getJobLogs(a, false, null, null, null, null, null, BOB),
                () -> pods.getPodLogs(a + "-p", false, null, null, null, null, null, BOB), () -> events.listJobEvents(a, BOB),
                () -> jobs.getJobLogs(a + "-p", false, null, null, null, null, null, BOB), () -> jobs.getJobLogs(a + "-p", true, null, null, null, null, null, BOB))) {
            ApiException e = assertThrows(ApiException.class, call);
            assertThat(e.getCode(), is(404));
            assertThat(e.getResponseBody(), not(containsString("alice")));
        }
        // The released CLIs' `pod logs POD` (jobs/logs/POD/): alice's pod for alice, a name that exists nowhere for bob.
        assertThat(jobs.getJobLogs(a + "-p", false, null, null, null, null, null, ALICE), is("alice's log\n"));
        assertThat(assertThrows(ApiException.class, () -> jobs.getJobLogs(a + "-p", false, null, null, null, null, null, BOB)).getResponseBody(),
                is("{\"detail\":\"No pods found for job " + a + "-p\"}"));
        assertThat(events.listJobEvents(a, ALICE).getItems(), hasSize(1));
        // still there for alice after bob's attempts
        assertThat(jobs.getJob(a, ALICE).getMetadata().getName(), is(a));
        assertThat(jobs.deleteJob(a, ALICE).getStatus(), is("Success"));
    }

    @Test
    void fixedNamesCannotCollideAcrossUsers() throws Exception {
        String a = jobs.submitJob(submission("report"), ALICE).getMetadata().getName();
        String b = jobs.submitJob(submission("report"), BOB).getMetadata().getName();
        assertThat(a, startsWith("report-"));
        assertThat(b, startsWith("report-"));
        assertThat(a, not(b));
    }

    @Test
    void cronJobsAreIsolatedToo() throws Exception {
        JsonNode body = WireFixtures.requestBody("26-cronjob-submit");
        CronJobSubmission s = api.getObjectMapper().readValue(body.toString(), CronJobSubmission.class);
        String c = cronjobs.submitCronJob(s, ALICE).getMetadata().getName();
        assertThat(cronjobs.listCronJobs(BOB).getItems(), empty());
        assertThat(assertThrows(ApiException.class, () -> cronjobs.getCronJob(c, BOB)).getCode(), is(404));
        assertThat(assertThrows(ApiException.class, () -> cronjobs.deleteCronJob(c, BOB)).getCode(), is(404));
        assertThat(cronjobs.listCronJobs(ALICE).getItems(), hasSize(1));
    }
}
