package org.kbatch.proxy.jobs;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kbatch.client.ApiException;
import org.kbatch.client.KbatchClient;
import org.kbatch.client.api.JobsApi;
import org.kbatch.client.model.ContainerReport;
import org.kbatch.client.model.JobReport;
import org.kbatch.client.model.PodReport;
import org.kbatch.proxy.testing.ProxyServer;
import org.kbatch.proxy.testing.TestServers;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@code jobs/NAME/status} and {@code jobs/NAME/wait} through the generated client and {@code KbatchClient}, on the
 * CRUD mock: the Job, its pods and their events are written as the job controller and the kubelet write them, and the
 * report says what a user needs to know. (What a real kubelet writes is checked in {@code JobFeaturesIT}.)
 */
class JobReportServerTest {

    @RegisterExtension
    static final ProxyServer PROXY = ProxyServer.onMockCluster()
            .user("alice-token", "alice").user("bob-token", "bob").build();
    static final KubernetesClient client = PROXY.kubernetes();
    private static final Map<String, String> ALICE = TestServers.token("alice-token");
    private static final Map<String, String> BOB = TestServers.token("bob-token");

    private final JobsApi jobs;
    private final URI uri;

    JobReportServerTest(URI uri) {
        this.uri = uri;
        this.jobs = new JobsApi(TestServers.client(uri, ""));
    }

    @AfterEach
    void clean() {
        PROXY.clearWorkloads();
        client.v1().events().inAnyNamespace().delete();
    }

    @Test
    void aPendingJobSaysWhyWithItsPodsContainersAndWarnings() throws ApiException {
        job("stuck");
        client.pods().inNamespace("kbatch-alice").resource(new PodBuilder().withNewMetadata().withName("stuck-x")
                .withCreationTimestamp("2026-12-03T08:00:00Z").addToLabels("batch.kubernetes.io/job-name", "stuck")
                .endMetadata().withNewSpec().addNewInitContainer().withName("unzip").endInitContainer()
                .addNewContainer().withName("job").withImage("nope/missing:1").endContainer().endSpec()
                .withNewStatus().withPhase("Pending")
                .addNewInitContainerStatus().withName("unzip").withRestartCount(0).withNewState().withNewTerminated()
                .withExitCode(0).withReason("Completed").endTerminated().endState().endInitContainerStatus()
                .addNewContainerStatus().withName("job").withRestartCount(0).withNewState().withNewWaiting()
                .withReason("ImagePullBackOff").withMessage("Back-off pulling image \"nope/missing:1\"").endWaiting()
                .endState().endContainerStatus().endStatus().build()).create();
        client.v1().events().inNamespace("kbatch-alice").resource(new EventBuilder().withNewMetadata()
                .withName("e1").endMetadata().withNewInvolvedObject().withKind("Pod").withName("stuck-x")
                .endInvolvedObject().withType("Warning").withReason("Failed")
                .withMessage("Failed to pull image \"nope/missing:1\"").withLastTimestamp("2026-12-03T08:00:03Z")
                .build()).create();

        JobReport report = jobs.getJobReport("stuck", ALICE);

        assertThat(report.getName(), is("stuck"));
        assertThat(report.getPhase(), is(JobReport.PhaseEnum.PENDING));
        assertThat(report.getReason(), is("ImagePullBackOff"));
        assertThat(report.getMessage(), is("Back-off pulling image \"nope/missing:1\""));
        PodReport pod = report.getPods().getFirst();
        assertThat(pod.getName(), is("stuck-x"));
        assertThat(pod.getContainers().stream().map(c -> c.getName() + " " + c.getInit() + " " + c.getState())
                .toList(), contains("unzip true terminated", "job false waiting"));
        assertThat(report.getEvents().stream().map(e -> e.getReason()).toList(), contains("Failed"));
    }

    @Test
    void aFailedJobNamesTheExitCode() throws ApiException {
        job("broken");
        finish("broken", "Failed");
        client.pods().inNamespace("kbatch-alice").resource(new PodBuilder().withNewMetadata().withName("broken-x")
                .addToLabels("batch.kubernetes.io/job-name", "broken").endMetadata()
                .withNewSpec().addNewContainer().withName("job").endContainer().endSpec()
                .withNewStatus().withPhase("Failed").addNewContainerStatus().withName("job").withRestartCount(0)
                .withNewState().withNewTerminated().withExitCode(3).withReason("Error").endTerminated().endState()
                .endContainerStatus().endStatus().build()).create();

        JobReport report = jobs.getJobReport("broken", ALICE);

        assertThat(report.getPhase(), is(JobReport.PhaseEnum.FAILED));
        assertThat(report.getReason(), is("BackoffLimitExceeded"));
        ContainerReport container = report.getPods().getFirst().getContainers().getFirst();
        assertThat(container.getExitCode(), is(3));
        assertThat(container.getState(), is(ContainerReport.StateEnum.TERMINATED));
    }

    @Test
    void anotherUsersJobHasNoReportAndNoWait() {
        job("alices");
        assertThat(assertThrows(ApiException.class, () -> jobs.getJobReport("alices", BOB)).getResponseBody(),
                is("{\"detail\":\"jobs.batch \\\"alices\\\" not found\"}"));
        assertThat(assertThrows(ApiException.class, () -> jobs.waitForJob("alices", 1, BOB)).getCode(), is(404));
    }

    @Test
    void waitAnswersAsSoonAsTheJobFinishes() throws Exception {
        job("soon");
        // The mock server does not replay to a watch what changed between its list and its watch (a real API server
        // does, from the list's resourceVersion): on a loaded machine the finish could fall in that gap and never
        // reach the wait. So the controller finishes the job and then touches it every 300 ms until the answer.
        AtomicBoolean answered = new AtomicBoolean();
        CompletableFuture<Void> controller = CompletableFuture.runAsync(() -> {
            sleep(700);
            finish("soon", "Complete");
            for (int tick = 1; !answered.get() && tick < 100; tick++) {
                sleep(300);
                String value = Integer.toString(tick);
                client.batch().v1().jobs().inNamespace("kbatch-alice").withName("soon")
                        .edit(job -> new JobBuilder(job).editMetadata().addToAnnotations("test/tick", value)
                                .endMetadata().build());
            }
        });
        try (KbatchClient kbatch = KbatchClient.connect(uri.toString(), "alice-token")) {
            long t0 = System.nanoTime();
            JobReport report;
            try {
                report = kbatch.awaitCompletion("soon", Duration.ofSeconds(30));
            } finally {
                answered.set(true);
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(report.getPhase(), is(JobReport.PhaseEnum.SUCCEEDED));
            assertThat(report.getReason(), nullValue());
            // It watched: the answer came with the change, not at the end of the 30 s.
            assertThat(millis, lessThan(10_000L));
        }
        controller.get(5, TimeUnit.SECONDS);
    }

    @Test
    void waitAnswersTheReportWhenTheTimeoutRunsOut() throws ApiException {
        job("slow");
        long t0 = System.nanoTime();
        JobReport report = jobs.waitForJob("slow", 1, ALICE);
        assertThat(report.getPhase(), is(JobReport.PhaseEnum.PENDING));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), greaterThanOrEqualTo(900L));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "601", "soon", "-1", "1.5"})
    void aBadTimeoutIsA422InOurWords(String timeout) throws Exception {
        job("any");
        var res = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        uri.resolve("/jobs/any/wait?timeout_seconds=" + timeout))
                .header("Authorization", "token alice-token").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode(), is(422));
        assertThat(res.body(), is(timeout.equals("601")
                ? "{\"detail\":\"Query parameter 'timeout_seconds' may be at most 600, got '601'\"}"
                : "{\"detail\":\"Query parameter 'timeout_seconds' must be a whole number of at least 1, got '"
                + timeout + "'\"}"));
    }

    private static void job(String name) {
        client.batch().v1().jobs().inNamespace("kbatch-alice").resource(new JobBuilder().withNewMetadata()
                .withName(name).endMetadata().withNewSpec().withBackoffLimit(0).endSpec()
                .withNewStatus().withStartTime("2026-12-03T07:59:59Z").endStatus().build()).create();
    }

    /** What the job controller writes when a job ends: a true Complete or Failed condition. */
    private static void finish(String name, String condition) {
        client.batch().v1().jobs().inNamespace("kbatch-alice").withName(name).edit(job -> new JobBuilder(job)
                .editStatus().withConditions(new JobConditionBuilder().withType(condition).withStatus("True")
                        .withReason(condition.equals("Failed") ? "BackoffLimitExceeded" : null)
                        .withMessage(condition.equals("Failed") ? "Job has reached the specified backoff limit" : null)
                        .build()).endStatus().build());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
