package org.kbatch.proxy.deploy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.kbatch.client.KbatchClient;
import org.kbatch.client.KbatchException;
import org.kbatch.client.api.EventsApi;
import org.kbatch.proxy.testing.KbatchCli;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.hamcrest.Matchers.allOf;

/**
 * What a user does with the real kbatch CLI against a deployed proxy on the real cluster, step by step, each step
 * checked as the user (and, for what only the cluster shows, kubectl's view through the admin client) would see it:
 * code upload and env for real, logs, streamed logs, a failing job, cronjobs, and a delete that leaves nothing.
 */
final class CliScenario {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(150);

    private final KbatchCli cli;
    private final KubernetesClient admin;
    private final String url;
    private final String token;
    private final String namespace;
    private boolean shared;
    private final Path work;
    private final List<String> transcript = new ArrayList<>();

    CliScenario(KbatchCli cli, KubernetesClient admin, String url, String token, String namespace) {
        this.cli = cli;
        this.admin = admin;
        this.url = url;
        this.token = token;
        this.namespace = namespace;
        this.work = cli.home();
    }

    /**
     * In a namespace shared by every user ({@code KBATCH_JOB_NAMESPACE}): a fixed name becomes a generateName there,
     * so names never collide across users, and the user's objects are found by their username label.
     */
    CliScenario inSharedNamespace() {
        this.shared = true;
        return this;
    }

    /** The steps, in order; returns the transcript (one line per step, with what the CLI printed that matters). */
    List<String> run() throws Exception {
        String configured = cli.run("configure", "--kbatch-url", url, "--token", token).ok().stdout();
        record("configure", configured.strip());

        // A job with code and env: the init container unzips the code, the env comes from the Secret.
        Path code = Files.createDirectories(work.resolve("code"));
        Files.writeString(code.resolve("run.sh"), "echo hello from the code\necho \"greeting=$GREETING\"\nls /code\n");
        Files.writeString(code.resolve("data.txt"), "some data\n");
        String hello = submit("hello", "[\"sh\", \"/code/run.sh\"]", "--code", code.toString(),
                "--env", "{\"GREETING\": \"bonjour\"}");
        Job created = admin.batch().v1().jobs().inNamespace(namespace).withName(hello).get();
        EnvVar greeting = created.getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv().stream()
                .filter(e -> e.getName().equals("GREETING")).findFirst().orElseThrow();
        assertThat("the env value is not in the Job", greeting.getValue(), nullValue());
        String secretName = greeting.getValueFrom().getSecretKeyRef().getName();
        String configMapName = created.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getConfigMap() != null).findFirst().orElseThrow().getConfigMap().getName();
        assertThat(admin.secrets().inNamespace(namespace).withName(secretName).get().getData().keySet(),
                hasItem("GREETING"));
        record("job submit --code --env", hello + " (env from Secret " + secretName + ", code in ConfigMap "
                + configMapName + ")");

        JsonNode done = awaitJob(hello, "succeeded");
        record("job list -o json", hello + ": succeeded=" + done.at("/status/succeeded").asInt());
        String table = cli.run("job", "list").ok().stdout();
        assertThat(table, containsString(hello));
        assertThat(table, containsString("done"));

        String logs = cli.run("job", "logs", hello).ok().stdout();
        assertThat(logs, containsString("hello from the code"));
        assertThat(logs, containsString("greeting=bonjour"));
        assertThat("the unzipped code is in /code", logs, containsString("data.txt"));
        record("job logs", logs.strip().replace("\n", " | "));

        String shown = cli.run("job", "show", hello).ok().stdout();
        assertThat(JSON.readTree(shown).at("/metadata/name").asString(), is(hello));
        JsonNode pods = JSON.readTree(cli.run("pod", "list", "--job-name", hello, "-o", "json").ok().stdout());
        assertThat(pods.path("items").size(), is(1));
        String podName = pods.at("/items/0/metadata/name").asString();
        assertThat(cli.run("pod", "logs", podName).ok().stdout(), containsString("greeting=bonjour"));
        // The released CLI users have in their images (0.4.2) reads a pod's logs through jobs/logs/POD/.
        assertThat(new KbatchCli(cli.home(), "0.4.2").run("pod", "logs", podName).ok().stdout(),
                containsString("greeting=bonjour"));
        record("pod list --job-name / pod logs (0.5.0a1 and 0.4.2)", podName + ": "
                + pods.at("/items/0/status/phase").asString());

        streamedLogs();
        String failing = failingJob();
        cronJobs();
        refusalsLeaveNothing();

        // Delete: the Job's pods, Secret and ConfigMap go with it (owner references, the real garbage collector).
        cli.run("job", "delete", hello).ok();
        await("the job, its pod, Secret and ConfigMap are gone", Duration.ofSeconds(90), () ->
                admin.batch().v1().jobs().inNamespace(namespace).withName(hello).get() == null
                        && admin.pods().inNamespace(namespace).withLabel("job-name", hello).list().getItems().isEmpty()
                        && admin.secrets().inNamespace(namespace).withName(secretName).get() == null
                        && admin.configMaps().inNamespace(namespace).withName(configMapName).get() == null);
        assertThat(JSON.readTree(cli.run("job", "list", "-o", "json").ok().stdout()).path("items").findValuesAsString(
                "name"), not(hasItem(hello)));
        record("job delete", hello + ": Job, pod " + podName + ", Secret " + secretName + " and ConfigMap "
                + configMapName + " gone (kubectl)");
        cli.run("job", "delete", failing).ok();
        return transcript;
    }

    /** A job that writes a line a second: {@code --stream} shows each line as it is written, not all at the end. */
    private void streamedLogs() throws Exception {
        String ticker = submit("ticker", "[\"sh\", \"-c\", \"for i in 1 2 3 4 5 6; do echo tick $i; sleep 1; done\"]");
        await("the ticker's pod runs", JOB_TIMEOUT, () -> admin.pods().inNamespace(namespace)
                .withLabel("job-name", ticker).list().getItems().stream()
                .anyMatch(p -> "Running".equals(p.getStatus().getPhase())));
        ProcessBuilder pb = cli.processBuilder("job", "logs", ticker, "--stream");
        pb.environment().put("PYTHONUNBUFFERED", "1");
        pb.redirectErrorStream(true);
        Process stream = pb.start();
        List<String> lines = new ArrayList<>();
        List<Long> arrivals = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(stream.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (!line.isBlank()) {
                    lines.add(line.strip());
                    arrivals.add(System.nanoTime());
                }
            }
        }
        assertThat("the stream ends with the container", stream.waitFor(60, TimeUnit.SECONDS), is(true));
        assertThat(String.join("\n", lines), stream.exitValue(), is(0));
        assertThat(lines, hasItem("tick 6"));
        assertThat(lines, everyItem(containsString("tick")));
        long spreadMillis = TimeUnit.NANOSECONDS.toMillis(arrivals.getLast() - arrivals.getFirst());
        assertThat("lines arrive as they are written (first to last: " + spreadMillis + " ms)", spreadMillis,
                greaterThanOrEqualTo(2500L));
        record("job logs --stream", lines.size() + " lines, first to last " + spreadMillis + " ms apart: "
                + String.join(" | ", lines));
        awaitJob(ticker, "succeeded");
        cli.run("job", "delete", ticker).ok();
    }

    /** A command that exits 3: the job shows as failed (the test template sets backoffLimit 0), and says why. */
    private String failingJob() throws Exception {
        String failing = submit("failing", "[\"sh\", \"-c\", \"echo about to fail; exit 3\"]");
        JsonNode failed = awaitJob(failing, "failed");
        assertThat(cli.run("job", "list").ok().stdout(), containsString("failed"));
        JsonNode pods = JSON.readTree(cli.run("pod", "list", "--job-name", failing, "-o", "json").ok().stdout());
        assertThat(pods.at("/items/0/status/phase").asString(), is("Failed"));
        assertThat(pods.at("/items/0/status/container_statuses/0/state/terminated/exit_code").asInt(), is(3));
        assertThat(cli.run("job", "logs", failing).ok().stdout(), containsString("about to fail"));
        try (KbatchClient client = KbatchClient.connect(url, token)) {
            var events = new EventsApi(client.apiClient()).listJobEvents(failing).getItems();
            assertThat(events, not(empty()));
            record("job list / pod list / events (failing)", failing + ": failed=" + failed.at("/status/failed")
                    .asInt() + ", exit code 3, events: " + events.stream().map(e -> e.getReason()).distinct().toList());
        }
        return failing;
    }

    /**
     * What the real API server would keep forever or refuse late is refused up front, and leaves nothing: a user's
     * finalizer is a 422 naming the field; a fixed name is accepted once, and its second submission is Kubernetes'
     * 409 with no Secret or ConfigMap left behind.
     */
    private void refusalsLeaveNothing() throws Exception {
        List<String> before = objectsInNamespace("kept");
        HttpResponse<String> finalizer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "jobs/"))
                .header("Authorization", "token " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"job": {"api_version": "batch/v1", "kind": "Job",
                          "metadata": {"generate_name": "kept-", "finalizers": ["example.com/keep-forever"]},
                          "spec": {"template": {"spec": {"restart_policy": "Never",
                            "containers": [{"name": "job", "image": "busybox:1.36", "command": ["true"]}]}}}},
                         "code": null}""")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(finalizer.body(), finalizer.statusCode(), is(422));
        assertThat(finalizer.body(), containsString("job.metadata.finalizers"));
        assertThat(objectsInNamespace("kept"), is(before));
        assertThat(before, is(List.of()));

        try (KbatchClient client = KbatchClient.connect(url, token)) {
            org.kbatch.client.model.Job fixed = KbatchClient.newJob("fixed").image("busybox:1.36")
                    .command("true").env("SECRET_VALUE", "s3cret").build();
            fixed.getMetadata().setGenerateName(null);
            fixed.getMetadata().setName("fixed-name");
            if (shared) {
                String first = client.submit(fixed).getMetadata().getName();
                String second = client.submit(fixed).getMetadata().getName();
                assertThat(first, startsWith("fixed-name-"));
                assertThat(second, allOf(startsWith("fixed-name-"), not(first)));
                record("refusals", "finalizers: " + finalizer.statusCode() + " " + finalizer.body()
                        + "; a fixed name in the shared namespace, twice: " + first + ", " + second);
                client.deleteJob(first);
                client.deleteJob(second);
                return;
            }
            assertThat(client.submit(fixed).getMetadata().getName(), is("fixed-name"));
            List<String> once = objectsInNamespace("fixed-name");
            assertThat(once, hasItem("job/fixed-name"));
            KbatchException again = org.junit.jupiter.api.Assertions.assertThrows(KbatchException.class,
                    () -> client.submit(fixed));
            assertThat(again.status(), is(409));
            assertThat(again.detail(), containsString("jobs.batch \"fixed-name\" already exists"));
            assertThat("the second submission left nothing", objectsInNamespace("fixed-name"), is(once));
            record("refusals", "finalizers: " + finalizer.statusCode() + " " + finalizer.body()
                    + "; the same fixed name twice: " + again.status() + " " + again.detail());
            client.deleteJob("fixed-name");
        }
    }

    /** The Jobs, CronJobs, Secrets and ConfigMaps of the user's namespace whose names start so, as kubectl lists them. */
    private List<String> objectsInNamespace(String prefix) {
        List<String> names = new ArrayList<>();
        admin.batch().v1().jobs().inNamespace(namespace).list().getItems()
                .forEach(j -> names.add("job/" + j.getMetadata().getName()));
        admin.batch().v1().cronjobs().inNamespace(namespace).list().getItems()
                .forEach(j -> names.add("cronjob/" + j.getMetadata().getName()));
        admin.secrets().inNamespace(namespace).list().getItems()
                .forEach(o -> names.add("secret/" + o.getMetadata().getName()));
        admin.configMaps().inNamespace(namespace).list().getItems()
                .forEach(o -> names.add("configmap/" + o.getMetadata().getName()));
        names.removeIf(n -> !n.substring(n.indexOf('/') + 1).startsWith(prefix));
        names.sort(null);
        return names;
    }

    private void cronJobs() throws Exception {
        String created = cli.run("cronjob", "submit", "--name", "nightly", "--schedule", "0 3 * * *",
                "--image", "busybox:1.36", "--command", "[\"date\"]", "-o", "json").ok().stdout();
        String name = JSON.readTree(created).at("/metadata/name").asString();
        assertThat(admin.batch().v1().cronjobs().inNamespace(namespace).withName(name).get(), notNullValue());
        assertThat(cli.run("cronjob", "list", "-o", "json").ok().stdout(), containsString(name));
        assertThat(cli.run("cronjob", "list").ok().stdout(), containsString(name));
        cli.run("cronjob", "delete", name).ok();
        await("the cronjob is gone", Duration.ofSeconds(60),
                () -> admin.batch().v1().cronjobs().inNamespace(namespace).withName(name).get() == null);
        record("cronjob submit / list / delete", name);
    }

    /** {@code kbatch job submit}, returning the generated name. */
    private String submit(String name, String command, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("job", "submit", "--name", name, "--image", "busybox:1.36",
                "--command", command, "-o", "json"));
        args.addAll(List.of(more));
        return JSON.readTree(cli.run(args.toArray(String[]::new)).ok().stdout()).at("/metadata/name").asString();
    }

    /** Polls {@code kbatch job list -o json} until the job's {@code status.<field>} is at least 1. */
    private JsonNode awaitJob(String name, String field) throws Exception {
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        JsonNode job = null;
        while (System.nanoTime() < deadline) {
            for (JsonNode item : JSON.readTree(cli.run("job", "list", "-o", "json").ok().stdout()).path("items")) {
                if (item.at("/metadata/name").asString().equals(name)) {
                    job = item;
                }
            }
            if (job != null && job.at("/status/" + field).asInt() >= 1) {
                return job;
            }
            Thread.sleep(1000);
        }
        List<Pod> pods = admin.pods().inNamespace(namespace).withLabel("job-name", name).list().getItems();
        throw new AssertionError("job " + name + " not " + field + " within " + JOB_TIMEOUT + ": " + job
                + "\npods: " + pods.stream().map(p -> p.getMetadata().getName() + " " + p.getStatus()).toList());
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what);
            }
            Thread.sleep(500);
        }
    }

    private void record(String step, String detail) {
        transcript.add("  ok  " + step + ": " + detail);
    }
}
