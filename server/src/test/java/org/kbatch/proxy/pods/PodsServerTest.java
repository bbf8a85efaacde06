package org.kbatch.proxy.pods;

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
import org.junit.jupiter.params.provider.ValueSource;
import org.kbatch.client.ApiException;
import org.kbatch.client.api.JobsApi;
import org.kbatch.client.api.PodsApi;
import org.kbatch.proxy.testing.ProxyServer;
import org.kbatch.proxy.testing.StubHub;
import org.kbatch.proxy.testing.TestServers;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Pods by job and a pod's or a job's log, in the caller's namespace only; {@code jobs/logs/NAME/} also takes a pod
 * name, as the released CLIs use it.
 */
class PodsServerTest {

    @RegisterExtension
    static final ProxyServer PROXY = ProxyServer.onMockCluster().user("alice-token", "alice").user("bob-token", "bob")
            .build();
    private static final StubHub HUB = PROXY.hub();
    static final KubernetesMockServer server = PROXY.mock();
    static final KubernetesClient client = PROXY.kubernetes();
    private static final Map<String, String> ALICE = TestServers.token("alice-token");

    private final PodsApi pods;
    private final JobsApi jobs;
    private final URI uri;

    PodsServerTest(URI uri) {
        this.uri = uri;
        this.pods = new PodsApi(TestServers.client(uri, ""));
        this.jobs = new JobsApi(TestServers.client(uri, ""));
    }

    @BeforeAll
    static void pods() {
        // A pod of job "job-a" on a current cluster, one of "old-job" labelled as before Kubernetes 1.27, and a pod
        // in bob's namespace.
        pod("kbatch-alice", "job-a-x1", Map.of("job-name", "job-a", "batch.kubernetes.io/job-name", "job-a"));
        pod("kbatch-alice", "old-job-y2", Map.of("job-name", "old-job"));
        pod("kbatch-bob", "bobs-z3", Map.of("job-name", "bobs"));
        // A job "lonely" that has no pod yet, and a pod that happens to carry its name (of another job).
        client.batch().v1().jobs().inNamespace("kbatch-alice").resource(new JobBuilder().withNewMetadata()
                .withName("lonely").endMetadata().build()).create();
        pod("kbatch-alice", "lonely", Map.of("job-name", "other", "batch.kubernetes.io/job-name", "other"));
        for (String p : new String[] {"job-a-x1", "old-job-y2", "lonely"}) {
            for (String query : new String[] {"", "?follow=true"}) {
                server.expect().get().withPath("/api/v1/namespaces/kbatch-alice/pods/" + p + "/log" + query)
                        .andReturn(200, "line 1 of " + p + "\nline 2 of " + p + "\n").always();
            }
        }
        server.expect().get().withPath("/api/v1/namespaces/kbatch-bob/pods/bobs-z3/log")
                .andReturn(200, "bob's secret\n").always();
    }

    private static void pod(String namespace, String name, Map<String, String> labels) {
        client.pods().inNamespace(namespace).resource(new PodBuilder().withNewMetadata().withName(name)
                .withLabels(labels).endMetadata().withNewSpec().addNewContainer().withName("job").withImage("busybox")
                .endContainer().endSpec().build()).create();
    }

    @Test
    void podsOfAJobAndAllPods() throws ApiException {
        assertThat(pods.listPods("job-a", ALICE).getItems(), hasSize(1));
        assertThat(pods.listPods("job-a", ALICE).getItems().getFirst().getMetadata().getName(), is("job-a-x1"));
        assertThat(pods.listPods("", ALICE).getItems(), hasSize(3));
        assertThat(pods.listPods(null, ALICE).getItems(), hasSize(3));
        assertThat(pods.listPods("bobs", ALICE).getItems(), hasSize(0));
    }

    @Test
    void podLogsAreRawText() throws ApiException {
        assertThat(pods.getPodLogs("job-a-x1", false, null, null, null, null, null, ALICE), is("line 1 of job-a-x1\nline 2 of job-a-x1\n"));
    }

    @Test
    void jobLogsComeFromThePodsOfTheJobWithTheLegacyLabelAsFallback() throws ApiException {
        assertThat(jobs.getJobLogs("job-a", null, null, null, null, null, null, ALICE), containsString("line 1 of job-a-x1"));
        assertThat(jobs.getJobLogs("old-job", false, null, null, null, null, null, ALICE), containsString("line 2 of old-job-y2"));
    }

    @Test
    void jobLogsOfAPodNameAreThatPodsLogsAsTheReleasedClisAskForThem() throws ApiException {
        // kbatch 0.3/0.4 `pod logs POD` calls jobs/logs/POD/, and `pod logs POD --stream` adds ?stream=True.
        assertThat(jobs.getJobLogs("job-a-x1", false, null, null, null, null, null, ALICE), is("line 1 of job-a-x1\nline 2 of job-a-x1\n"));
        assertThat(jobs.getJobLogs("old-job-y2", null, null, null, null, null, null, ALICE), is("line 1 of old-job-y2\nline 2 of old-job-y2\n"));
        // Streamed: one chunk per line, without its newline (the CLI prints each chunk as a line).
        assertThat(jobs.getJobLogs("job-a-x1", true, null, null, null, null, null, ALICE), is("line 1 of job-a-x1line 2 of job-a-x1"));
    }

    @Test
    void aJobOfThatNameWinsOverAPodOfThatName() {
        ApiException e = assertThrows(ApiException.class, () -> jobs.getJobLogs("lonely", false, null, null, null, null, null, ALICE));
        assertThat(e.getCode(), is(404));
        assertThat(e.getResponseBody(), is("{\"detail\":\"No pods found for job lonely\"}"));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void anotherUsersPodThroughTheJobsRouteIsAnsweredAsANameThatExistsNowhere(boolean stream) {
        ApiException bobs = assertThrows(ApiException.class, () -> jobs.getJobLogs("bobs-z3", stream, null, null, null, null, null, ALICE));
        ApiException nobodys = assertThrows(ApiException.class, () -> jobs.getJobLogs("nobodys-pod", stream, null, null, null, null, null, ALICE));
        assertThat(bobs.getCode(), is(404));
        assertThat(bobs.getResponseBody(), is("{\"detail\":\"No pods found for job bobs-z3\"}"));
        assertThat(nobodys.getCode(), is(404));
        assertThat(nobodys.getResponseBody(), is("{\"detail\":\"No pods found for job nobodys-pod\"}"));
    }

    @Test
    void anotherUsersPodIsNotFound() {
        ApiException e = assertThrows(ApiException.class, () -> pods.getPodLogs("bobs-z3", false, null, null, null, null, null, ALICE));
        assertThat(e.getCode(), is(404));
        assertThat(e.getResponseBody(), is("{\"detail\":\"pods \\\"bobs-z3\\\" not found\"}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"maybe", "2", "truee"})
    void aStreamFlagThatIsNoBooleanIs422(String flag) throws Exception {
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                uri.resolve("/pods/logs/job-a-x1/?stream=" + flag)).header("Authorization", "token alice-token").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode(), is(422));
        assertThat(res.body(), containsString("must be a boolean"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"job-a,job-name!=x", "JOB-A", "job a", "../kbatch-bob"})
    void aJobNameThatIsNoKubernetesNameIs422(String name) throws Exception {
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                uri.resolve("/pods/?job_name=" + java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8)))
                .header("Authorization", "token alice-token").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode(), is(422));
        assertThat(res.body(), containsString("Invalid job name"));
    }
}
