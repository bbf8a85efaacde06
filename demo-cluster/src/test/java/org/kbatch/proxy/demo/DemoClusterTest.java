package org.kbatch.proxy.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.hamcrest.Description;
import org.hamcrest.Matcher;
import org.hamcrest.TypeSafeMatcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasEntry;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The demo cluster over real HTTP, through fabric8 (JDK client) as the proxy uses it. */
class DemoClusterTest {

    private static final Duration RUN_TIME = Duration.ofSeconds(2);
    private static final int LOG_LINES = 4;
    private static final String TIMESTAMP = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z";
    private static final String SUFFIX = "[bcdfghjklmnpqrstvwxz2456789]{5}";

    private static DemoCluster cluster;
    private static KubernetesClient client;

    @BeforeAll
    static void start() {
        cluster = DemoCluster.start(RUN_TIME, LOG_LINES);
        client = cluster.client();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void aJobRunsAsOnePodAndSucceeds() {
        String ns = namespace("ok");
        Job job = createJob(ns, "hello-", "echo hello", null);

        assertThat(job.getMetadata().getName(), matchesPattern("hello-" + SUFFIX));
        assertThat(job.getMetadata().getUid(), notNullValue());
        assertThat(job.getMetadata().getResourceVersion(), notNullValue());
        assertThat(job.getMetadata().getCreationTimestamp(), matchesPattern(TIMESTAMP));
        // The API server's defaults.
        assertThat(job.getSpec().getCompletions(), is(1));
        assertThat(job.getSpec().getParallelism(), is(1));
        assertThat(job.getSpec().getCompletionMode(), is("NonIndexed"));
        assertThat(job.getSpec().getSuspend(), is(false));
        assertThat(job.getSpec().getSelector().getMatchLabels(),
                hasEntry("batch.kubernetes.io/controller-uid", job.getMetadata().getUid()));
        assertThat(job.getSpec().getTemplate().getMetadata().getLabels(), hasEntry("job-name", job.getMetadata().getName()));
        assertThat(job.getSpec().getTemplate().getSpec().getContainers().getFirst().getImagePullPolicy(), is("IfNotPresent"));

        Pod pod = awaitPod(ns, job);
        String jobName = job.getMetadata().getName();
        String uid = job.getMetadata().getUid();
        assertThat(pod.getMetadata().getName(), matchesPattern(jobName + "-" + SUFFIX));
        assertThat(pod.getMetadata().getLabels(), hasEntry("job-name", jobName));
        assertThat(pod.getMetadata().getLabels(), hasEntry("batch.kubernetes.io/job-name", jobName));
        assertThat(pod.getMetadata().getLabels(), hasEntry("controller-uid", uid));
        assertThat(pod.getMetadata().getLabels(), hasEntry("batch.kubernetes.io/controller-uid", uid));
        assertThat(pod.getMetadata().getLabels(), hasEntry("app", "demo"));
        assertThat(pod.getMetadata().getAnnotations(), hasEntry("note", "from the template"));
        assertThat(pod.getMetadata().getOwnerReferences(), hasSize(1));
        OwnerReference owner = pod.getMetadata().getOwnerReferences().getFirst();
        assertThat(owner.getKind(), is("Job"));
        assertThat(owner.getApiVersion(), is("batch/v1"));
        assertThat(owner.getName(), is(jobName));
        assertThat(owner.getUid(), is(uid));
        assertThat(owner.getController(), is(true));
        assertThat(owner.getBlockOwnerDeletion(), is(true));
        assertThat(pod.getStatus().getPhase(), is("Running"));
        assertThat(pod.getSpec().getContainers().getFirst().getCommand(), contains("sh", "-c", "echo hello"));
        // The label the proxy's job logs use.
        assertThat(client.pods().inNamespace(ns).withLabel("batch.kubernetes.io/job-name", jobName).list().getItems(),
                hasSize(1));

        Job running = await(Duration.ofSeconds(1), () -> getJob(ns, jobName), j -> j.getStatus() != null);
        assertThat(running.getStatus().getActive(), is(1));
        assertThat(running.getStatus().getReady(), is(1));
        assertThat(running.getStatus().getStartTime(), matchesPattern(TIMESTAMP));
        assertThat(running.getStatus().getSucceeded(), nullValue());

        Job done = await(RUN_TIME.plusSeconds(2), () -> getJob(ns, jobName),
                j -> j.getStatus().getSucceeded() != null);
        assertThat(done.getStatus().getSucceeded(), is(1));
        assertThat(done.getStatus().getFailed(), nullValue());
        assertThat(done.getStatus().getActive(), nullValue());
        assertThat(done.getStatus().getReady(), is(0));
        assertThat(done.getStatus().getCompletionTime(), matchesPattern(TIMESTAMP));
        JobCondition complete = done.getStatus().getConditions().getFirst();
        assertThat(complete.getType(), is("Complete"));
        assertThat(complete.getStatus(), is("True"));
        assertThat(client.pods().inNamespace(ns).withName(pod.getMetadata().getName()).get().getStatus().getPhase(),
                is("Succeeded"));
    }

    @Test
    void aJobWhoseCommandSaysKubesimFailFails() {
        String ns = namespace("fail");
        Job job = createJob(ns, "doomed-", "python main.py kubesim-fail", null);
        Pod pod = awaitPod(ns, job);

        Job failed = await(RUN_TIME.plusSeconds(2), () -> getJob(ns, job.getMetadata().getName()),
                j -> j.getStatus().getFailed() != null);
        assertThat(failed.getStatus().getFailed(), is(1));
        assertThat(failed.getStatus().getSucceeded(), nullValue());
        assertThat(failed.getStatus().getCompletionTime(), nullValue());
        assertThat(failed.getStatus().getActive(), nullValue());
        JobCondition condition = failed.getStatus().getConditions().getFirst();
        assertThat(condition.getType(), is("Failed"));
        assertThat(condition.getStatus(), is("True"));
        assertThat(condition.getReason(), is("BackoffLimitExceeded"));
        assertThat(condition.getLastTransitionTime(), matchesPattern(TIMESTAMP));
        Pod ended = client.pods().inNamespace(ns).withName(pod.getMetadata().getName()).get();
        assertThat(ended.getStatus().getPhase(), is("Failed"));
        assertThat(ended.getStatus().getContainerStatuses().getFirst().getState().getTerminated().getExitCode(), is(1));
    }

    @Test
    void logsAreServedSoFarAndFollowedAsWritten() throws IOException {
        String ns = namespace("logs");
        long created = System.nanoTime();
        Job job = createJob(ns, "talk-", "echo talk", null);
        String pod = awaitPod(ns, job).getMetadata().getName();
        List<String> all = new ArrayList<>();
        for (int n = 1; n <= LOG_LINES; n++) {
            all.add("line " + n + " of " + pod);
        }

        List<String> followed = new ArrayList<>();
        long firstLineAt;
        long endAt;
        try (LogWatch watch = client.pods().inNamespace(ns).withName(pod).watchLog();
             BufferedReader lines = new BufferedReader(new InputStreamReader(watch.getOutput(), StandardCharsets.UTF_8))) {
            followed.add(lines.readLine());
            firstLineAt = System.nanoTime() - created;

            // Meanwhile, without follow: the lines written so far.
            String soFar = client.pods().inNamespace(ns).withName(pod).getLog();
            List<String> soFarLines = List.of(soFar.split("\n"));
            assertThat(soFarLines.size(), greaterThanOrEqualTo(1));
            assertThat(soFarLines.size(), lessThan(LOG_LINES));
            assertThat(soFarLines, is(all.subList(0, soFarLines.size())));

            String line;
            while ((line = lines.readLine()) != null) {
                followed.add(line);
            }
            endAt = System.nanoTime() - created;
        }
        assertThat(followed, is(all));
        // Line 1 is written a fifth into the run: it must arrive long before the pod ends.
        assertThat("first line after " + firstLineAt / 1_000_000 + " ms", Duration.ofNanos(firstLineAt),
                lessThan(RUN_TIME.dividedBy(2)));
        // The stream ends with the pod, whose status says so by then.
        assertThat("stream ended after " + endAt / 1_000_000 + " ms", Duration.ofNanos(endAt),
                greaterThanOrEqualTo(RUN_TIME));
        assertThat(Duration.ofNanos(endAt), lessThanOrEqualTo(RUN_TIME.plusSeconds(2)));
        assertThat(client.pods().inNamespace(ns).withName(pod).get().getStatus().getPhase(), is("Succeeded"));

        assertThat(client.pods().inNamespace(ns).withName(pod).getLog(), is(String.join("\n", all) + "\n"));
        assertThat(client.pods().inNamespace(ns).withName(pod).tailingLines(2).getLog(),
                is(all.get(2) + "\n" + all.get(3) + "\n"));
    }

    @Test
    void aFollowerThatDisconnectsIsLetGo() throws IOException {
        String ns = namespace("gone");
        Job job = createJob(ns, "chatty-", "echo chatty", null);
        String pod = awaitPod(ns, job).getMetadata().getName();
        long started = System.nanoTime();
        URI api = URI.create(cluster.masterUrl());
        // A raw connection, closed for sure (fabric8's JDK client keeps the connection open after LogWatch.close()).
        try (Socket socket = new Socket(api.getHost(), api.getPort())) {
            socket.getOutputStream().write(("GET /api/v1/namespaces/" + ns + "/pods/" + pod + "/log?follow=true HTTP/1.1\r\n"
                    + "Host: " + api.getHost() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line = in.readLine();
            assertThat(line, is("HTTP/1.1 200 OK"));
            while (line != null && !line.equals("line 1 of " + pod)) {
                line = in.readLine();
            }
            assertThat(line, is("line 1 of " + pod));
            assertThat(cluster.activeLogFollowers(), is(1));
        }
        await(RUN_TIME, cluster::activeLogFollowers, n -> n == 0);
        assertThat("the stream stopped before the pod ended", Duration.ofNanos(System.nanoTime() - started),
                lessThan(RUN_TIME));
    }

    @Test
    void deletingAJobDeletesItsPodAndWhatItOwns() {
        String ns = namespace("delete");
        Secret secret = client.secrets().inNamespace(ns).resource(new SecretBuilder()
                .withNewMetadata().withGenerateName("owned-").endMetadata()
                .addToData("TOKEN", "c2VjcmV0").build()).create();
        ConfigMap configMap = client.configMaps().inNamespace(ns).resource(new ConfigMapBuilder()
                .withNewMetadata().withGenerateName("owned").endMetadata()
                .addToData("code", "zip").build()).create();
        Secret unrelated = client.secrets().inNamespace(ns).resource(new SecretBuilder()
                .withNewMetadata().withName("unrelated").endMetadata().build()).create();
        assertThat(secret.getMetadata().getName(), matchesPattern("owned-" + SUFFIX));
        assertThat(secret.getType(), is("Opaque"));
        Job job = createJob(ns, "short-lived-", "sleep 60", null);
        String owner = "{\"metadata\":{\"ownerReferences\":[{\"apiVersion\":\"batch/v1\",\"kind\":\"Job\",\"name\":\""
                + job.getMetadata().getName() + "\",\"uid\":\"" + job.getMetadata().getUid() + "\"}]}}";
        // As the proxy does (JSON merge patch), and as the Python reference did (strategic merge patch).
        Secret ownedSecret = client.secrets().inNamespace(ns).withName(secret.getMetadata().getName())
                .patch(PatchContext.of(PatchType.JSON_MERGE), owner);
        ConfigMap ownedConfigMap = client.configMaps().inNamespace(ns).withName(configMap.getMetadata().getName())
                .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), owner);
        assertThat(ownedSecret.getMetadata().getOwnerReferences().getFirst().getUid(), is(job.getMetadata().getUid()));
        assertThat(ownedConfigMap.getMetadata().getOwnerReferences().getFirst().getUid(), is(job.getMetadata().getUid()));
        assertThat(ownedSecret.getData(), hasEntry("TOKEN", "c2VjcmV0"));
        Pod pod = awaitPod(ns, job);

        List<StatusDetails> deleted = client.batch().v1().jobs().inNamespace(ns).withName(job.getMetadata().getName())
                .withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();
        assertThat(deleted, hasSize(1));

        assertThat(getJob(ns, job.getMetadata().getName()), nullValue());
        await(Duration.ofSeconds(2), () -> client.pods().inNamespace(ns).withName(pod.getMetadata().getName()).get(),
                p -> p == null);
        await(Duration.ofSeconds(2), () -> client.secrets().inNamespace(ns).withName(secret.getMetadata().getName()).get(),
                s -> s == null);
        await(Duration.ofSeconds(2), () -> client.configMaps().inNamespace(ns).withName(configMap.getMetadata().getName()).get(),
                c -> c == null);
        assertThat(client.secrets().inNamespace(ns).withName(unrelated.getMetadata().getName()).get(), notNullValue());
        // Its log is gone with it.
        KubernetesClientException e = assertThrows(KubernetesClientException.class,
                () -> client.pods().inNamespace(ns).withName(pod.getMetadata().getName()).getLog());
        assertThat(e.getCode(), is(404));
    }

    @Test
    void aFinishedJobIsDeletedWhenItsTtlExpires() {
        String ns = namespace("ttl");
        Job job = createJob(ns, "brief-", "echo brief", 0);
        Pod pod = awaitPod(ns, job);
        await(RUN_TIME.plusSeconds(2), () -> getJob(ns, job.getMetadata().getName()), j -> j == null);
        await(Duration.ofSeconds(1), () -> client.pods().inNamespace(ns).withName(pod.getMetadata().getName()).get(),
                p -> p == null);
    }

    @Test
    void unknownObjectsAreKubernetesNotFound() throws Exception {
        String ns = namespace("unknown");
        KubernetesClientException e = assertThrows(KubernetesClientException.class,
                () -> client.pods().inNamespace(ns).withName("no-such-pod").getLog());
        assertThat(e.getCode(), is(404));
        assertThat(e.getStatus().getMessage(), is("pods \"no-such-pod\" not found"));
        HttpResponse<String> followed = get("api/v1/namespaces/" + ns + "/pods/no-such-pod/log?follow=true");
        assertThat(followed.statusCode(), is(404));

        assertThat(getJob(ns, "no-such-job"), nullValue());
        assertThat(client.batch().v1().jobs().inNamespace(ns).withName("no-such-job").delete(), empty());

        HttpResponse<String> raw = get("apis/batch/v1/namespaces/" + ns + "/jobs/no-such-job");
        assertThat(raw.statusCode(), is(404));
        assertThat(raw.headers().firstValue("Content-Type").orElse(""), startsWith("application/json"));
        assertThat(raw.body(), containsString("\"message\":\"jobs.batch \\\"no-such-job\\\" not found\""));
        assertThat(raw.body(), containsString("\"reason\":\"NotFound\""));
    }

    @Test
    void createsLikeAnApiServer() throws Exception {
        String ns = namespace("create");
        KubernetesClientException conflict = assertThrows(KubernetesClientException.class,
                () -> client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata()
                        .build()).create());
        assertThat(conflict.getCode(), is(409));
        assertThat(conflict.getStatus().getMessage(), is("namespaces \"" + ns + "\" already exists"));

        // The username label of an odd user, as the reference made it (reference exchange 34): rejected.
        KubernetesClientException invalid = assertThrows(KubernetesClientException.class,
                () -> client.secrets().inNamespace(ns).resource(new SecretBuilder()
                        .withNewMetadata().withGenerateName("odd-")
                        .addToLabels("kbatch.jupyter.org/username", "-4Aane-2E-44oe-40example-2Eorg").endMetadata()
                        .build()).create());
        assertThat(invalid.getCode(), is(422));
        assertThat(invalid.getStatus().getMessage(), containsString(
                "is invalid: metadata.labels: Invalid value: \"-4Aane-2E-44oe-40example-2Eorg\""));

        // The Python client sends neither kind nor apiVersion; the path says what it is.
        HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(cluster.masterUrl()
                        + "api/v1/namespaces/" + ns + "/secrets"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"metadata\":{\"generateName\":\"py-\"},\"data\":{}}"))
                .build());
        assertThat(created.statusCode(), is(201));
        assertThat(created.body(), containsString("\"kind\":\"Secret\""));

        HttpResponse<String> list = get("apis/batch/v1/namespaces/" + ns + "/jobs");
        assertThat(list.statusCode(), is(200));
        assertThat(list.body(), containsString("\"kind\":\"JobList\""));
    }

    @Test
    void nothingIsCreatedInANamespaceThatDoesNotExist() throws Exception {
        KubernetesClientException e = assertThrows(KubernetesClientException.class,
                () -> client.secrets().inNamespace("demo-missing").resource(new SecretBuilder()
                        .withNewMetadata().withName("lost").endMetadata().build()).create());
        // As the API server answers it.
        assertThat(e.getCode(), is(404));
        assertThat(e.getStatus().getReason(), is("NotFound"));
        assertThat(e.getStatus().getMessage(), is("namespaces \"demo-missing\" not found"));
        assertThat(e.getStatus().getDetails().getKind(), is("namespaces"));
        assertThat(e.getStatus().getDetails().getName(), is("demo-missing"));
        assertThat(client.secrets().inNamespace("demo-missing").withName("lost").get(), nullValue());

        // Once the namespace exists, the same create works; after it is deleted, it is refused again.
        String ns = namespace("comes-and-goes");
        client.secrets().inNamespace(ns).resource(new SecretBuilder().withNewMetadata().withName("kept").endMetadata()
                .build()).create();
        client.namespaces().withName(ns).delete();
        assertThat(assertThrows(KubernetesClientException.class, () -> client.configMaps().inNamespace(ns)
                .resource(new ConfigMapBuilder().withNewMetadata().withName("late").endMetadata().build()).create())
                .getCode(), is(404));
        // The namespace every cluster has.
        assertThat(client.namespaces().withName("default").get(), notNullValue());
    }

    // --- helpers

    private static String namespace(String name) {
        String ns = "demo-" + name;
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
        return ns;
    }

    private static Job createJob(String ns, String generateName, String script, Integer ttl) {
        return client.batch().v1().jobs().inNamespace(ns).resource(new JobBuilder()
                .withNewMetadata().withGenerateName(generateName).addToLabels("app", "demo").endMetadata()
                .withNewSpec()
                .withBackoffLimit(0)
                .withTtlSecondsAfterFinished(ttl)
                .withNewTemplate()
                .withNewMetadata().addToLabels("app", "demo").addToAnnotations("note", "from the template").endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .addNewContainer().withName("job").withImage("busybox:1.36").withCommand("sh", "-c", script).endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build()).create();
    }

    private static Job getJob(String ns, String name) {
        return client.batch().v1().jobs().inNamespace(ns).withName(name).get();
    }

    private static Pod awaitPod(String ns, Job job) {
        List<Pod> pods = await(Duration.ofSeconds(2), () -> client.pods().inNamespace(ns)
                .withLabel("job-name", job.getMetadata().getName()).list().getItems(), p -> !p.isEmpty());
        assertThat(pods, hasSize(1));
        return pods.getFirst();
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(cluster.masterUrl() + path)).GET().build());
    }

    private static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }

    /** hamcrest 1.3 has no {@code matchesPattern}. */
    private static Matcher<String> matchesPattern(String regex) {
        return new TypeSafeMatcher<>() {
            @Override
            protected boolean matchesSafely(String item) {
                return item.matches(regex);
            }

            @Override
            public void describeTo(Description description) {
                description.appendText("a string matching /" + regex + "/");
            }
        };
    }

    /** A status the controller has not written yet (null on the way) means "not yet". */
    private static <T> boolean reached(Predicate<T> done, T value) {
        try {
            return done.test(value);
        } catch (NullPointerException notYet) {
            return false;
        }
    }

    private static <T> T await(Duration timeout, Supplier<T> probe, Predicate<T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T value = probe.get();
        while (!reached(done, value)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within " + timeout + "; last seen: " + value);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            value = probe.get();
        }
        return value;
    }
}
