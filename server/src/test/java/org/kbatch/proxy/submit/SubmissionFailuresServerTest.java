package org.kbatch.proxy.submit;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kbatch.client.ApiClient;
import org.kbatch.client.ApiException;
import org.kbatch.client.api.JobsApi;
import org.kbatch.client.model.Job;
import org.kbatch.client.model.JobSubmission;
import org.kbatch.proxy.testing.ProxyServer;
import org.kbatch.proxy.testing.WireFixtures;
import org.kbatch.proxy.testing.FaultInjector;
import org.kbatch.proxy.testing.MockCluster;
import org.kbatch.proxy.testing.StubHub;
import org.kbatch.proxy.testing.TestServers;
import tools.jackson.databind.JsonNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Fault injection between the proxy and the Kubernetes API (fabric8's CRUD mock behind a real HTTP hop): every call of
 * a submission fails in turn with 500, 409, or by not answering in time; the user gets the relayed error and the API
 * server holds no orphaned Secret, ConfigMap or Job. Kubernetes calls time out after 1 s here.
 */
class SubmissionFailuresServerTest {

    @RegisterExtension
    static final ProxyServer PROXY = ProxyServer.onMockCluster().user("alice-token", "alice")
            .user("newcomer-token", "newcomer")
            .env("KBATCH_KUBERNETES_TIMEOUT_SECONDS", "1")
            .throughFaultInjector()
            .kubernetesTimeout(Duration.ofSeconds(1))
            .build();
    private static final StubHub HUB = PROXY.hub();
    static final KubernetesMockServer server = PROXY.mock();
    static final KubernetesClient client = PROXY.kubernetes();
    private static final FaultInjector kube = PROXY.faults();
    private static final Map<String, String> ALICE = TestServers.token("alice-token");

    private final ApiClient api;
    private final JobsApi jobs;

    SubmissionFailuresServerTest(URI uri) {
        this.api = TestServers.client(uri, "");
        this.jobs = new JobsApi(api);
    }

    @AfterEach
    void healAndClean() {
        PROXY.clearWorkloads();
    }

    private JobSubmission submission() throws Exception {
        JsonNode body = WireFixtures.requestBody("05-job-submit-with-code");
        return api.getObjectMapper().readValue(body.toString(), JobSubmission.class);
    }

    @ParameterizedTest(name = "{0} {1} answering {2}")
    @CsvSource({
        "POST, /secrets, 500", "POST, /configmaps, 500", "POST, /jobs, 500",
        "PATCH, /secrets/, 500", "PATCH, /configmaps/, 500",
        "POST, /secrets, 409", "POST, /configmaps, 409", "POST, /jobs, 409", "PATCH, /configmaps/, 409",
        "POST, /secrets, 403", "POST, /jobs, 422",
    })
    void aFailingStepIsRelayedAndLeavesNothingBehind(String method, String path, int status) throws Exception {
        aFailingStepIsRelayedAndLeavesNothingBehind(method, path, status, ALICE);
    }

    /** A namespace known to exist is not POSTed again, so this needs a user the proxy has not seen yet. */
    @Test
    void aFailingNamespaceCreateIsRelayedAndLeavesNothingBehind() throws Exception {
        aFailingStepIsRelayedAndLeavesNothingBehind("POST", "/namespaces", 500, TestServers.token("newcomer-token"));
        // Not remembered as existing: the next submission POSTs it again and succeeds.
        kube.clearCalls();
        jobs.submitJob(submission(), TestServers.token("newcomer-token"));
        assertThat(kube.calls(), hasItem("POST /api/v1/namespaces"));
    }

    private void aFailingStepIsRelayedAndLeavesNothingBehind(String method, String path, int status,
                                                             Map<String, String> user) throws Exception {
        kube.fail(status, (m, p) -> m.equals(method) && p.endsWith(path) || m.equals(method) && path.endsWith("/")
                && p.contains(path));
        ApiException e = assertThrows(ApiException.class, () -> jobs.submitJob(submission(), user));
        assertThat(e.getCode(), is(status));
        assertThat(e.getResponseBody(), containsString("injected failure " + status + " on " + method));
        kube.heal();
        assertThat(MockCluster.secrets(client), empty());
        assertThat(MockCluster.configMaps(client), empty());
        assertThat(client.batch().v1().jobs().inAnyNamespace().list().getItems(), empty());
    }

    @Test
    void aFailingConfigMapLeavesNoSecretCreatedAtTheSameTime() throws Exception {
        // The Secret and the ConfigMap are created at once: the ConfigMap is refused right away while the Secret is
        // still on its way, and is created after that.
        kube.clearCalls();
        kube.slow(Duration.ofMillis(700), (m, p) -> m.equals("POST") && p.endsWith("/secrets"));
        kube.fail(500, (m, p) -> m.equals("POST") && p.endsWith("/configmaps"));
        ApiException e = assertThrows(ApiException.class, () -> jobs.submitJob(submission(), ALICE));
        assertThat(e.getCode(), is(500));
        assertThat(e.getResponseBody(), containsString("injected failure 500 on POST"));
        assertThat(kube.calls().stream().filter(c -> c.startsWith("POST ") && c.endsWith("/secrets")).count(),
                is(1L));
        // The rollback waited for the Secret and deleted it: none is there once the user has the answer, nor a
        // moment later, when it would have arrived (the late sweep, 3 s after the failure, would hide a miss).
        for (int i = 0; i < 24; i++) {
            assertThat(MockCluster.secrets(client), empty());
            Thread.sleep(50);
        }
        assertThat(MockCluster.configMaps(client), empty());
        assertThat(client.batch().v1().jobs().inAnyNamespace().list().getItems(), empty());
    }

    @ParameterizedTest(name = "{0} {1} too slow")
    @CsvSource({"POST, /secrets", "POST, /configmaps", "POST, /jobs", "PATCH, /secrets/"})
    void aStepThatDoesNotAnswerInTimeIs504AndLeavesNothingBehind(String method, String path) throws Exception {
        kube.slow(Duration.ofMillis(2000), (m, p) -> m.equals(method) && (p.endsWith(path) || path.endsWith("/")
                && p.contains(path)));
        long start = System.nanoTime();
        ApiException e = assertThrows(ApiException.class, () -> jobs.submitJob(submission(), ALICE));
        assertThat(e.getCode(), is(504));
        assertThat(e.getResponseBody(), containsString("did not answer in time"));
        assertThat(Duration.ofNanos(System.nanoTime() - start).toMillis(), lessThan(1900L));
        kube.heal();
        // The held request reaches the API server after the user got the 504 and the rollback ran; the late sweep
        // (3 timeouts after the failure) removes what it created.
        int left = -1;
        for (int i = 0; i < 60 && left != 0; i++) {
            Thread.sleep(100);
            left = leftovers();
        }
        assertThat(left, is(0));
    }

    private static int leftovers() {
        return MockCluster.configMaps(client).size() + MockCluster.secrets(client).size()
                + client.batch().v1().jobs().inAnyNamespace().list().getItems().size();
    }

    @Test
    void aSlowListIs504WithinTheTimeout() {
        kube.slow(Duration.ofSeconds(3), (m, p) -> m.equals("GET") && p.endsWith("/jobs"));
        long start = System.nanoTime();
        ApiException e = assertThrows(ApiException.class, () -> jobs.listJobs(null, ALICE));
        assertThat(e.getCode(), is(504));
        assertThat(Duration.ofNanos(System.nanoTime() - start).toMillis(), lessThan(2900L));
    }

    @Test
    void concurrentFirstSubmissionsOfANewUserBothSucceed() throws Exception {
        List<Callable<Job>> both = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            both.add(() -> jobs.submitJob(submission(), ALICE));
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            for (Future<Job> f : pool.invokeAll(both)) {
                assertThat(f.get().getMetadata().getNamespace(), is("kbatch-alice"));
            }
        }
        assertThat(client.batch().v1().jobs().inNamespace("kbatch-alice").list().getItems().size(), is(4));
    }
}
