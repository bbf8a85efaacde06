package org.kbatch.proxy.policy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.kbatch.client.KbatchClient;
import org.kbatch.client.KbatchException;
import org.kbatch.client.model.CronJob;
import org.kbatch.client.model.Job;
import org.kbatch.proxy.audit.AuditLog;
import org.kbatch.proxy.testing.ProxyServer;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The operator's rules through the Java client, on the CRUD mock: allowed images, per-user limits (429 with
 * {@code Retry-After}, also under concurrent submissions), resource caps and defaults, deadlines, and
 * {@code KBATCH_GROUP_POLICIES}, where a member of several groups gets the most generous value of each. What is
 * asserted is what the user sees (status, detail) and what the API server holds afterwards.
 */
class OperatorRulesServerTest {

    @RegisterExtension
    static final ProxyServer PROXY = ProxyServer.onMockCluster()
            .user("alice-token", "alice")
            .user("carol-token", "carol", List.of("gpu-users", "staff"), List.of("access:services!service=kbatch"))
            .env("KBATCH_ALLOWED_IMAGES", "busybox:*, ghcr.io/myorg/*")
            .env("KBATCH_MAX_ACTIVE_JOBS", "2")
            .env("KBATCH_MAX_CRONJOBS", "1")
            .env("KBATCH_MAX_CONTAINER_RESOURCES", "{\"cpu\": \"2\", \"memory\": \"4Gi\"}")
            .env("KBATCH_DEFAULT_CONTAINER_RESOURCES", "{\"cpu\": \"500m\", \"memory\": \"1Gi\"}")
            .env("KBATCH_DEFAULT_ACTIVE_DEADLINE_SECONDS", "3600")
            .env("KBATCH_MAX_ACTIVE_DEADLINE_SECONDS", "86400")
            .env("KBATCH_GROUP_POLICIES", """
                    {"gpu-users": {"max_container_resources": {"nvidia.com/gpu": "2", "cpu": "8"},
                                   "allowed_images": ["nvcr.io/nvidia/*"], "max_active_jobs": 3},
                     "staff": {"max_active_jobs": 5, "max_container_resources": {"cpu": "16"},
                               "max_active_deadline_seconds": 172800}}""")
            .build();
    static final KubernetesClient client = PROXY.kubernetes();

    private final URI uri;

    OperatorRulesServerTest(URI uri) {
        this.uri = uri;
    }

    @AfterEach
    void clean() {
        PROXY.clearWorkloads();
    }

    private KbatchClient as(String token) {
        return KbatchClient.connect(uri.toString(), token);
    }

    private static KbatchException refused(org.junit.jupiter.api.function.Executable call) {
        return assertThrows(KbatchException.class, call);
    }

    private int jobsOf(String namespace) {
        return client.batch().v1().jobs().inNamespace(namespace).list().getItems().size();
    }

    @Test
    void anImageOutsideTheListIsA422NamingItAndTheList() throws Exception {
        try (KbatchClient alice = as("alice-token")) {
            KbatchException e = refused(() -> alice.submit(KbatchClient.newJob("evil").image("evil.example/miner:1")
                    .command("true").build()));
            assertThat(e.status(), is(422));
            assertThat(e.detail(), is("job.spec.template.spec.containers[0].image: the image \"evil.example/miner:1\""
                    + " is not allowed here; allowed are busybox:*, ghcr.io/myorg/* (KBATCH_ALLOWED_IMAGES)"));
            // Docker Hub's short names are normalised: python:3 is docker.io/library/python:3, not busybox.
            KbatchException hub = refused(() -> alice.submit(KbatchClient.newJob("py").image("python:3")
                    .command("true").build()));
            assertThat(hub.detail(), containsString("\"python:3\" (docker.io/library/python:3) is not allowed"));
        }
        assertThat(jobsOf("kbatch-alice"), is(0));
    }

    @Test
    void allowedImagesRunAndTheCodeUnzipperIsAlwaysAllowed() throws Exception {
        try (KbatchClient alice = as("alice-token")) {
            alice.submit(KbatchClient.newJob("mine").image("ghcr.io/myorg/analysis:2").command("true").build());
            // busybox:* matches docker.io/library/busybox:1.36, the proxy's own unzip image too.
            java.nio.file.Path code = java.nio.file.Files.createTempDirectory("code");
            java.nio.file.Files.writeString(code.resolve("run.sh"), "echo hi\n");
            alice.submit(KbatchClient.newJob("coded").image("docker.io/library/busybox:1.36")
                    .command("sh", "/code/run.sh").build(), code);
        }
        assertThat(jobsOf("kbatch-alice"), is(2));
    }

    @Test
    void anInitContainerOutsideTheListIsRefusedToo() {
        Job job = KbatchClient.fromJson("""
                {"metadata": {"name": "init"}, "spec": {"template": {"spec": {"restartPolicy": "Never",
                  "initContainers": [{"name": "fetch", "image": "curlimages/curl:8"}],
                  "containers": [{"name": "job", "image": "busybox:1.36", "command": ["true"]}]}}}}""", Job.class);
        try (KbatchClient alice = as("alice-token")) {
            KbatchException e = refused(() -> alice.submit(job));
            assertThat(e.detail(), containsString("job.spec.template.spec.init_containers[0].image: the image"
                    + " \"curlimages/curl:8\" (docker.io/curlimages/curl:8) is not allowed here"));
        }
    }

    @Test
    void beyondMaxActiveJobsIsA429WithRetryAfterUntilAJobFinishes() throws Exception {
        try (KbatchClient alice = as("alice-token")) {
            String first = alice.submit(busybox("one")).getMetadata().getName();
            alice.submit(busybox("two"));
            KbatchException e = refused(() -> alice.submit(busybox("three")));
            assertThat(e.status(), is(429));
            assertThat(e.detail(), is("You have 2 unfinished jobs and may have at most 2 (KBATCH_MAX_ACTIVE_JOBS);"
                    + " wait for one to finish or delete one, then submit again"));
            assertThat(e.retryAfter().orElse(null), is(Duration.ofSeconds(60)));
            assertThat(jobsOf("kbatch-alice"), is(2));
            assertThat("nothing of the refused submission is left", client.secrets().inNamespace("kbatch-alice")
                    .list().getItems(), hasSize(2));

            // Once one has finished, there is room again.
            var done = client.batch().v1().jobs().inNamespace("kbatch-alice").withName(first).get();
            done.setStatus(new JobStatusBuilder().withConditions(new JobConditionBuilder().withType("Complete")
                    .withStatus("True").build()).build());
            client.batch().v1().jobs().inNamespace("kbatch-alice").resource(done).updateStatus();
            alice.submit(busybox("three"));
            assertThat(jobsOf("kbatch-alice"), is(3));
        }
    }

    @Test
    void aTriggeredCronJobRunCountsAsAJob() throws Exception {
        try (KbatchClient alice = as("alice-token")) {
            String cron = alice.submit(KbatchClient.newJob("nightly").image("busybox:1.36").command("true")
                    .buildCronJob("0 3 * * *")).getMetadata().getName();
            alice.trigger(cron);
            alice.trigger(cron);
            KbatchException e = refused(() -> alice.trigger(cron));
            assertThat(e.status(), is(429));
            assertThat(e.detail(), containsString("You have 2 unfinished jobs and may have at most 2"));
        }
    }

    @Test
    void beyondMaxCronJobsIsA429() throws Exception {
        try (KbatchClient alice = as("alice-token")) {
            alice.submit(KbatchClient.newJob("a").image("busybox:1.36").command("true").buildCronJob("0 3 * * *"));
            KbatchException e = refused(() -> alice.submit(KbatchClient.newJob("b").image("busybox:1.36")
                    .command("true").buildCronJob("0 4 * * *")));
            assertThat(e.status(), is(429));
            assertThat(e.detail(), is("You have 1 cronjob and may have at most 1 (KBATCH_MAX_CRONJOBS); delete one,"
                    + " then submit again"));
            assertThat(e.retryAfter().orElse(null), is(Duration.ofSeconds(300)));
        }
        assertThat(client.batch().v1().cronjobs().inNamespace("kbatch-alice").list().getItems(), hasSize(1));
    }

    @Test
    void concurrentSubmissionsDoNotExceedTheLimit() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (KbatchClient alice = as("alice-token")) {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String name = "race" + i;
                calls.add(() -> {
                    try {
                        alice.submit(busybox(name));
                        return 200;
                    } catch (KbatchException e) {
                        return e.status();
                    }
                });
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : pool.invokeAll(calls)) {
                statuses.add(f.get());
            }
            assertThat(statuses.stream().filter(s -> s == 200).count(), is(2L));
            assertThat(statuses.stream().filter(s -> s == 429).count(), is(6L));
        } finally {
            pool.shutdownNow();
        }
        assertThat(jobsOf("kbatch-alice"), is(2));
    }

    @Test
    void aContainerOverTheCapIsA422NamingContainerResourceAndCap() {
        try (KbatchClient alice = as("alice-token")) {
            KbatchException e = refused(() -> alice.submit(KbatchClient.newJob("big").image("busybox:1.36")
                    .command("true").request("cpu", "1").limit("memory", "8Gi").build()));
            assertThat(e.status(), is(422));
            assertThat(e.detail(), is("job.spec.template.spec.containers[0] (job).resources.limits.memory: 8Gi is more"
                    + " than the most a container may have, 4Gi (KBATCH_MAX_CONTAINER_RESOURCES)"));
        }
        assertThat(jobsOf("kbatch-alice"), is(0));
    }

    @Test
    void defaultRequestsAndDeadlineAreFilledIn() throws Exception {
        try (KbatchClient alice = as("alice-token")) {
            String name = alice.submit(KbatchClient.newJob("small").image("busybox:1.36").command("true")
                    .limit("memory", "2Gi").build()).getMetadata().getName();
            var job = client.batch().v1().jobs().inNamespace("kbatch-alice").withName(name).get();
            var resources = job.getSpec().getTemplate().getSpec().getContainers().getFirst().getResources();
            // cpu asked for nothing: the default request; memory has a limit (so a request of 2Gi): untouched.
            assertThat(resources.getRequests().get("cpu"), is(new Quantity("500m")));
            assertThat(resources.getRequests().get("memory"), nullValue());
            assertThat(resources.getLimits().get("memory"), is(new Quantity("2Gi")));
            assertThat(job.getSpec().getActiveDeadlineSeconds(), is(3600L));
        }
    }

    @Test
    void aDeadlineOverTheMaximumIsA422AndCronJobsAreHeldToItToo() {
        Job job = KbatchClient.fromJson("""
                {"metadata": {"name": "long"}, "spec": {"activeDeadlineSeconds": 100000, "template": {"spec": {
                  "restartPolicy": "Never", "containers": [{"name": "job", "image": "busybox:1.36"}]}}}}""", Job.class);
        CronJob cron = KbatchClient.fromJson("""
                {"metadata": {"name": "long"}, "spec": {"schedule": "0 3 * * *", "jobTemplate": {"spec": {
                  "activeDeadlineSeconds": 90000, "template": {"spec": {"restartPolicy": "Never",
                  "containers": [{"name": "job", "image": "busybox:1.36"}]}}}}}}""", CronJob.class);
        try (KbatchClient alice = as("alice-token")) {
            KbatchException e = refused(() -> alice.submit(job));
            assertThat(e.status(), is(422));
            assertThat(e.detail(), is("job.spec.active_deadline_seconds: 100000 seconds is longer than a job may run"
                    + " here, at most 86400 (KBATCH_MAX_ACTIVE_DEADLINE_SECONDS)"));
            KbatchException c = refused(() -> alice.submit(cron));
            assertThat(c.detail(), containsString("job.spec.job_template.spec.active_deadline_seconds: 90000 seconds"));
        }
    }

    @Test
    void aMemberOfSeveralGroupsGetsTheMostGenerousValueOfEach() throws Exception {
        try (KbatchClient carol = as("carol-token")) {
            // cpu 16 from staff (more than gpu-users' 8), a GPU from gpu-users; memory still KBATCH_*'s 4Gi.
            carol.submit(KbatchClient.newJob("gpu").image("nvcr.io/nvidia/pytorch:24.01").command("true")
                    .limit("cpu", "12").limit("nvidia.com/gpu", "2").build());
            KbatchException memory = refused(() -> carol.submit(KbatchClient.newJob("mem").image("nvcr.io/nvidia/cuda:12")
                    .command("true").limit("memory", "5Gi").build()));
            assertThat(memory.detail(), containsString("4Gi (KBATCH_MAX_CONTAINER_RESOURCES)"));
            KbatchException gpu = refused(() -> carol.submit(KbatchClient.newJob("gpus").image("nvcr.io/nvidia/cuda:12")
                    .command("true").limit("nvidia.com/gpu", "3").build()));
            assertThat(gpu.detail(), containsString("3 is more than the most a container may have, 2"
                    + " (KBATCH_GROUP_POLICIES max_container_resources of group gpu-users)"));
            // gpu-users' image list replaces KBATCH_ALLOWED_IMAGES for carol (staff sets none).
            KbatchException image = refused(() -> carol.submit(KbatchClient.newJob("img").image("ghcr.io/myorg/x:1")
                    .command("true").build()));
            assertThat(image.detail(), containsString("allowed are nvcr.io/nvidia/*"));
            // max_active_jobs 5 (staff beats gpu-users' 3), deadline up to 172800 (staff).
            for (int i = 0; i < 4; i++) {
                carol.submit(KbatchClient.newJob("n" + i).image("nvcr.io/nvidia/cuda:12").command("true").build());
            }
            KbatchException sixth = refused(() -> carol.submit(KbatchClient.newJob("six").image("nvcr.io/nvidia/cuda:12")
                    .command("true").build()));
            assertThat(sixth.detail(), containsString("You have 5 unfinished jobs and may have at most 5"
                    + " (KBATCH_GROUP_POLICIES max_active_jobs of group staff)"));
        }
    }

    @Test
    void refusalsAreCountedByRuleAndAudited() throws Exception {
        List<String> audit = new java.util.concurrent.CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (AuditLog.LOGGER.equals(r.getLoggerName())) {
                    audit.add(r.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger.getLogger("").addHandler(capture);
        Logger.getLogger("").setLevel(Level.INFO);
        try (KbatchClient alice = as("alice-token")) {
            double before = refusals("allowed_images");
            refused(() -> alice.submit(KbatchClient.newJob("evil").image("evil.example/x:1").command("true").build()));
            assertThat(refusals("allowed_images"), is(before + 1));
            for (int i = 0; i < 50 && audit.stream().noneMatch(l -> l.contains("refused_by")); i++) {
                Thread.sleep(20);
            }
            assertThat(audit, hasItem(containsString("\"status\":422,\"outcome\":\"failure\",\"refused_by\":"
                    + "\"allowed_images\"")));
        } finally {
            Logger.getLogger("").removeHandler(capture);
        }
    }

    private double refusals(String rule) throws Exception {
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri.resolve("/observe/metrics"))
                .header("Accept", "text/plain").build(), HttpResponse.BodyHandlers.ofString());
        for (String line : res.body().split("\n")) {
            if (line.startsWith("kbatch_refusals_total{") && line.contains("rule=\"" + rule + "\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    private static Job busybox(String name) {
        return KbatchClient.newJob(name).image("busybox:1.36").command("true").build();
    }
}
