package org.kbatch.proxy.deploy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.kbatch.client.KbatchClient;
import org.kbatch.client.model.ContainerReport;
import org.kbatch.client.model.JobReport;
import org.kbatch.proxy.testing.KbatchCli;
import tools.jackson.databind.json.JsonMapper;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

/**
 * Issue 16's features where a pod's behaviour matters, on the real cluster through the chart's pod (so under the
 * chart's RBAC): a missing image is {@code ImagePullBackOff} in {@code jobs/NAME/status}; {@code exit 3} is
 * {@code Failed} with exit code 3, waited for with {@code KbatchClient.awaitCompletion}; the released CLI's
 * {@code --code} with 5 MiB of incompressible files runs (several ConfigMaps) and its script sees every byte; a
 * cronjob's job triggered now runs, is listed among the cronjob's jobs, and the cronjob pauses. Leaves nothing behind.
 */
final class JobFeaturesScenario {

    private static final Duration TIMEOUT = Duration.ofSeconds(180);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final KbatchCli cli;
    private final KubernetesClient admin;
    private final String url;
    private final String token;
    private final String namespace;
    private final List<String> transcript = new ArrayList<>();

    JobFeaturesScenario(KbatchCli cli, KubernetesClient admin, String url, String token, String namespace) {
        this.cli = cli;
        this.admin = admin;
        this.url = url;
        this.token = token;
        this.namespace = namespace;
    }

    List<String> run() throws Exception {
        cli.run("configure", "--kbatch-url", url, "--token", token).ok();
        try (KbatchClient kbatch = KbatchClient.connect(url, token)) {
            // 1. A missing image: the report says ImagePullBackOff (or ErrImagePull, before the first back-off).
            String pull = kbatch.submit(KbatchClient.newJob("pull").image("ghcr.io/nope/missing:1")
                    .command("true").build()).getMetadata().getName();
            JobReport pending = kbatch.awaitCompletion(pull, Duration.ofSeconds(1));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!"ImagePullBackOff".equals(pending.getReason()) && System.nanoTime() < deadline) {
                Thread.sleep(1000);
                pending = kbatch.status(pull);
            }
            assertThat(pending.getPhase(), is(JobReport.PhaseEnum.PENDING));
            assertThat(pending.getReason(), is("ImagePullBackOff"));
            record("status of a job whose image is missing", raw(pull));

            // 2. exit 3: Failed, the container's exit code 3, waited for by watching.
            String fail = kbatch.submit(KbatchClient.newJob("three").image("busybox:1.36")
                    .command("sh", "-c", "echo about to fail; exit 3").build()).getMetadata().getName();
            JobReport failed = kbatch.awaitCompletion(fail, TIMEOUT);
            assertThat(failed.getPhase(), is(JobReport.PhaseEnum.FAILED));
            ContainerReport job = failed.getPods().getLast().getContainers().getLast();
            assertThat(job.getExitCode(), is(3));
            assertThat(kbatch.logs(fail), containsString("about to fail"));
            record("status of a job that exited with 3", raw(fail));

            // 3. The CLI's --code with 5 MiB of incompressible files: several ConfigMaps, every byte arrives.
            Path code = Files.createDirectories(cli.home().resolve("big-code"));
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            Random random = new Random(16);
            for (int i = 0; i < 5; i++) {
                byte[] data = new byte[1024 * 1024];
                random.nextBytes(data);
                Files.write(code.resolve("part" + i + ".bin"), data);
                md5.update(data);
            }
            Files.writeString(code.resolve("run.sh"), "ls /code | wc -l; cat /code/part*.bin | md5sum\n");
            String big = JSON.readTree(cli.run("job", "submit", "--name", "bigcode", "--image", "busybox:1.36",
                    "--command", "[\"sh\", \"/code/run.sh\"]", "--code", code.toString(), "-o", "json").ok().stdout())
                    .at("/metadata/name").asString();
            JobReport succeeded = kbatch.awaitCompletion(big, TIMEOUT);
            assertThat(succeeded.getPhase(), is(JobReport.PhaseEnum.SUCCEEDED));
            String logs = cli.run("job", "logs", big).ok().stdout();
            assertThat(logs, containsString("6"));
            assertThat(logs, containsString(HexFormat.of().formatHex(md5.digest())));
            long parts = admin.configMaps().inNamespace(namespace).list().getItems().stream()
                    .filter(c -> c.getMetadata().getOwnerReferences() != null && c.getMetadata().getOwnerReferences()
                            .stream().anyMatch(o -> o.getName().equals(big))).count();
            assertThat("the 5 MiB zip is spread over ConfigMaps", parts, greaterThanOrEqualTo(6L));
            record("kbatch job submit --code (5 MiB of random files) then job logs",
                    big + " in " + parts + " ConfigMaps; logs: " + logs.strip().replace("\n", " | "));
            record("status of the job that succeeded", raw(big));

            // 4. A cronjob's job now: it runs, is one of the cronjob's jobs, and the cronjob pauses.
            var cron = kbatch.submit(KbatchClient.newJob("nightly").image("busybox:1.36")
                    .command("sh", "-c", "echo triggered").buildCronJob("0 3 1 1 *"));
            String cronName = cron.getMetadata().getName();
            String triggered = kbatch.trigger(cronName).getMetadata().getName();
            assertThat(kbatch.awaitCompletion(triggered, TIMEOUT).getPhase(), is(JobReport.PhaseEnum.SUCCEEDED));
            assertThat(kbatch.logs(triggered), containsString("triggered"));
            assertThat(kbatch.jobsOf(cronName).stream().map(j -> j.getMetadata().getName()).toList(),
                    hasItem(triggered));
            assertThat(kbatch.suspend(cronName, true).getSpec().getSuspend(), is(true));
            record("cronjob trigger", cronName + " -> " + triggered + " succeeded; listed by jobs/?cronjob_name;"
                    + " suspend=true");

            kbatch.cronjobs().deleteCronJob(cronName);
            for (String name : List.of(pull, fail, big)) {
                kbatch.deleteJob(name);
            }
        }
        return transcript;
    }

    /** What {@code GET jobs/NAME/status} answers, as sent. */
    private String raw(String job) throws Exception {
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)
                .resolve("jobs/" + job + "/status")).header("Authorization", "token " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode(), is(200));
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(res.body()));
    }

    private void record(String step, String what) {
        transcript.add("  ok  " + step + ": " + what);
    }
}
