package org.kbatch.proxy.logs;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.kbatch.client.api.JobsApi;
import org.kbatch.client.api.PodsApi;
import org.kbatch.client.model.Container;
import org.kbatch.client.model.Job;
import org.kbatch.client.model.JobSpec;
import org.kbatch.client.model.JobSubmission;
import org.kbatch.client.model.ObjectMeta;
import org.kbatch.client.model.PodSpec;
import org.kbatch.client.model.PodTemplateSpec;
import org.kbatch.proxy.demo.DemoCluster;
import org.kbatch.proxy.testing.ProxyServer;
import org.kbatch.proxy.testing.StubHub;
import org.kbatch.proxy.testing.TestServers;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;

/**
 * Streamed logs through the server, against the demo cluster (whose pods write a line every half second or so):
 * lines arrive while the pod runs, the stream ends when the container ends, and a client that goes away stops it.
 */
class StreamingLogsServerTest {

    private static final DemoCluster CLUSTER = DemoCluster.start(Duration.ofSeconds(8), 8);
    @RegisterExtension
    static final ProxyServer PROXY = ProxyServer.on(CLUSTER).user("alice-token", "alice")
            .build();
    private static final StubHub HUB = PROXY.hub();
    private static final Map<String, String> ALICE = TestServers.token("alice-token");

    private final URI uri;
    private final JobsApi jobs;
    private final PodsApi pods;

    StreamingLogsServerTest(URI uri) {
        this.uri = uri;
        this.jobs = new JobsApi(TestServers.client(uri, ""));
        this.pods = new PodsApi(TestServers.client(uri, ""));
    }

    /** A job built with the generated client's typed models. */
    private String submit(String name) throws Exception {
        Job job = new Job().apiVersion("batch/v1").kind("Job")
                .metadata(new ObjectMeta().generateName(name + "-"))
                .spec(new JobSpec().backoffLimit(0).template(new PodTemplateSpec().spec(new PodSpec()
                        .restartPolicy("Never")
                        .containers(List.of(new Container().name("job").image("busybox").command(List.of("echo", "hi")))))));
        String created = jobs.submitJob(new JobSubmission().job(job), ALICE).getMetadata().getName();
        for (int i = 0; i < 50 && pods.listPods(created, ALICE).getItems().isEmpty(); i++) {
            Thread.sleep(100);
        }
        return created;
    }

    @Test
    void linesArriveWhileThePodRunsAndTheStreamEndsWithIt() throws Exception {
        String job = submit("stream");
        long start = System.nanoTime();
        HttpResponse<InputStream> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        uri.resolve("/jobs/logs/" + job + "/?stream=True"))
                .header("Authorization", "token alice-token").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(res.statusCode(), is(200));
        StringBuilder text = new StringBuilder();
        long firstLineAt = -1;
        try (InputStream in = res.body()) {
            byte[] buffer = new byte[256];
            int n;
            while ((n = in.read(buffer)) != -1) {
                if (firstLineAt < 0) {
                    firstLineAt = System.nanoTime();
                }
                text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
        }
        long endAt = System.nanoTime();
        assertThat(text.toString(), containsString("line 1 of " + job));
        assertThat(text.toString(), containsString("line 8 of " + job));
        // The first line came more than a second before the stream (and the pod) ended.
        assertThat(Duration.ofNanos(firstLineAt - start).toMillis(), lessThan(Duration.ofNanos(endAt - start).toMillis() - 1000));
        assertThat(pods.listPods(job, ALICE).getItems().getFirst().getStatus().getPhase(), is("Succeeded"));
        // Without stream, the whole log at once.
        assertThat(jobs.getJobLogs(job, false, null, null, null, null, null, ALICE), containsString("line 8 of " + job));
        // And what happened, in the demo cluster's events: created, scheduled, started, completed.
        assertThat(new org.kbatch.client.api.EventsApi(TestServers.client(uri, "")).listJobEvents(job, ALICE).getItems()
                .stream().map(e -> e.getReason()).toList(),
                org.hamcrest.Matchers.contains("SuccessfulCreate", "Scheduled", "Started", "Completed"));
    }

    @Test
    void aClientThatGoesAwayStopsTheStream() throws Exception {
        String job = submit("leave");
        HttpResponse<InputStream> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        uri.resolve("/jobs/logs/" + job + "/?stream=1"))
                .header("Authorization", "token alice-token").build(), HttpResponse.BodyHandlers.ofInputStream());
        InputStream in = res.body();
        assertThat("the first byte of the stream", in.read(), not(-1));
        assertThat(CLUSTER.activeLogFollowers(), is(1));
        in.close();
        // The proxy notices at its next write (a line a second here) and closes its Kubernetes log stream; the API
        // server sees it go at its own next write: well before the pod ends (8 s).
        int followers = 1;
        for (int i = 0; i < 90 && followers > 0; i++) {
            Thread.sleep(50);
            followers = CLUSTER.activeLogFollowers();
        }
        assertThat("the Kubernetes log stream outlived the client", followers, is(0));
    }
}
