package org.kbatch.proxy.logs;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kbatch.client.ApiException;
import org.kbatch.client.api.JobsApi;
import org.kbatch.client.api.PodsApi;
import org.kbatch.proxy.testing.ProxyServer;
import org.kbatch.proxy.testing.TestServers;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@code jobs/logs/NAME/} for jobs with several pods and with a failed init container, and Kubernetes' log options on
 * both log routes, through the generated client. The mock API answers each pod's log at the exact path and query the
 * proxy must ask for.
 */
class JobLogsServerTest {

    @RegisterExtension
    static final ProxyServer PROXY = ProxyServer.onMockCluster().user("alice-token", "alice").build();
    static final KubernetesMockServer server = PROXY.mock();
    static final KubernetesClient client = PROXY.kubernetes();
    private static final Map<String, String> ALICE = TestServers.token("alice-token");
    private static final String PODS = "/api/v1/namespaces/kbatch-alice/pods/";

    private final JobsApi jobs;
    private final PodsApi pods;
    private final URI uri;

    JobLogsServerTest(URI uri) {
        this.uri = uri;
        this.jobs = new JobsApi(TestServers.client(uri, ""));
        this.pods = new PodsApi(TestServers.client(uri, ""));
    }

    @BeforeAll
    static void cluster() throws InterruptedException {
        // "retried": a first pod that failed and its retry, created a second apart (the API server sets the creation
        // time, to the second; by name the retry would come first).
        job("retried");
        pod("retried-b", "retried", "2026-12-03T08:00:00Z", null);
        Thread.sleep(1100);
        pod("retried-a", "retried", "2026-12-03T08:01:00Z", null);
        log("retried-b", "", "attempt 1\nboom\n");
        log("retried-a", "", "attempt 2\nok");
        // "badzip": the code's init container exited 9; the job's container never started.
        job("badzip");
        pod("badzip-x", "badzip", "2026-12-03T08:00:00Z", 9);
        log("badzip-x", "?container=unzip", "[unzip]\nunzip: short read\n");
        // "single": one pod, answered exactly as pods/logs/POD/ answers it.
        job("single");
        pod("single-x", "single", "2026-12-03T08:00:00Z", null);
        log("single-x", "", "only line\n");
        log("single-x", "?container=job&tailLines=1&sinceSeconds=60&timestamps=true&previous=true",
                "2026-12-03T08:00:01.000000000Z only line\n");
        log("single-x", "?tailLines=0", "");
    }

    @Test
    void severalPodsComeInCreationOrderEachBehindAHeader() throws ApiException {
        assertThat(jobs.getJobLogs("retried", false, null, null, null, null, null, ALICE),
                is("==> pod retried-b <==\nattempt 1\nboom\n==> pod retried-a <==\nattempt 2\nok"));
    }

    @Test
    void severalPodsStreamLineByLine() throws ApiException {
        // One chunk per line without its newline, as the CLI reads a stream: the headers are lines too.
        assertThat(jobs.getJobLogs("retried", true, null, null, null, null, null, ALICE),
                is("==> pod retried-b <==attempt 1boom==> pod retried-a <==attempt 2ok"));
    }

    @Test
    void aFailedInitContainersOutputComesFirstAndAlone() throws ApiException {
        assertThat(jobs.getJobLogs("badzip", false, null, null, null, null, null, ALICE),
                is("[unzip]\nunzip: short read\n"));
    }

    @Test
    void oneCleanPodIsItsLogWithoutAHeader() throws ApiException {
        assertThat(jobs.getJobLogs("single", false, null, null, null, null, null, ALICE), is("only line\n"));
    }

    @Test
    void theLogOptionsReachKubernetesOnBothRoutes() throws ApiException {
        String stamped = "2026-12-03T08:00:01.000000000Z only line\n";
        assertThat(jobs.getJobLogs("single", false, "job", 1L, 60L, true, true, ALICE), is(stamped));
        assertThat(pods.getPodLogs("single-x", false, "job", 1L, 60L, true, true, ALICE), is(stamped));
        assertThat(pods.getPodLogs("single-x", false, null, 0L, null, null, null, ALICE), is(""));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "tail_lines=-1       | Query parameter 'tail_lines' must be a whole number of at least 0, got '-1'",
        "tail_lines=ten      | Query parameter 'tail_lines' must be a whole number of at least 0, got 'ten'",
        "since_seconds=0     | Query parameter 'since_seconds' must be a whole number of at least 1, got '0'",
        "timestamps=perhaps  | Query parameter 'timestamps' must be a boolean (true or false), got 'perhaps'",
        "container=Job_1     | Query parameter 'container' must be a container name (lower-case letters, digits and '-', at most 63 characters), got 'Job_1'",
    })
    void aBadLogOptionIsA422NamingIt(String query, String detail) throws Exception {
        for (String route : new String[] {"/jobs/logs/single/", "/pods/logs/single-x/"}) {
            HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            uri.resolve(route + "?" + query)).header("Authorization", "token alice-token").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(route, res.statusCode(), is(422));
            assertThat(route, res.body(), is("{\"detail\":\"" + detail + "\"}"));
        }
    }

    @Test
    void aJobWithoutPodsIsStillTheSame404() {
        job("nopods");
        ApiException e = assertThrows(ApiException.class,
                () -> jobs.getJobLogs("nopods", false, null, null, null, null, null, ALICE));
        assertThat(e.getResponseBody(), is("{\"detail\":\"No pods found for job nopods\"}"));
    }

    private static void job(String name) {
        client.batch().v1().jobs().inNamespace("kbatch-alice").resource(new JobBuilder().withNewMetadata()
                .withName(name).endMetadata().build()).create();
    }

    /** A pod of the job; {@code initExit} set: its init container {@code unzip} terminated with that code. */
    private static void pod(String name, String job, String created, Integer initExit) {
        PodBuilder pod = new PodBuilder().withNewMetadata().withName(name).withCreationTimestamp(created)
                .addToLabels("batch.kubernetes.io/job-name", job).addToLabels("job-name", job).endMetadata()
                .withNewSpec().addNewContainer().withName("job").endContainer().endSpec();
        if (initExit != null) {
            pod.editSpec().addNewInitContainer().withName("unzip").endInitContainer().endSpec()
                    .withNewStatus().withPhase("Failed").addNewInitContainerStatus().withName("unzip")
                    .withRestartCount(0).withNewState().withNewTerminated().withExitCode(initExit)
                    .withReason("Error").endTerminated().endState().endInitContainerStatus()
                    .addNewContainerStatus().withName("job").withRestartCount(0).withNewState().withNewWaiting()
                    .withReason("PodInitializing").endWaiting().endState().endContainerStatus().endStatus();
        }
        client.pods().inNamespace("kbatch-alice").resource(pod.build()).create();
    }

    private static void log(String pod, String query, String text) {
        server.expect().get().withPath(PODS + pod + "/log" + query).andReturn(200, text).always();
        String follow = query.isEmpty() ? "?follow=true" : query + "&follow=true";
        server.expect().get().withPath(PODS + pod + "/log" + follow).andReturn(200, text).always();
    }
}
