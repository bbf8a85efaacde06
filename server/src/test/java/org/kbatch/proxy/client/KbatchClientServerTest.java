package org.kbatch.proxy.client;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kbatch.client.KbatchClient;
import org.kbatch.client.KbatchException;
import org.kbatch.client.model.CronJob;
import org.kbatch.client.model.Job;
import org.kbatch.client.model.Pod;
import org.kbatch.proxy.demo.DemoCluster;
import org.kbatch.proxy.testing.StubHub;
import org.kbatch.proxy.testing.TestServers;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.kbatch.proxy.client.Zips.unzip;

/** The façade against the real server on the demo cluster: errors, a stream stopped early, fabric8 jobs, cronjobs. */
@ServerTest
class KbatchClientServerTest {

    private static final DemoCluster CLUSTER = DemoCluster.start(Duration.ofSeconds(5), 6);
    private static final StubHub HUB = StubHub.start().user("bob-token", "bob");

    private final String url;

    KbatchClientServerTest(URI uri) {
        this.url = "http://localhost:" + uri.getPort() + "/";
    }

    @SetUpServer
    static void setUp(WebServerConfig.Builder builder) {
        TestServers.setUp(builder, HUB, CLUSTER.masterUrl(), Map.of());
    }

    @AfterAll
    static void stop() {
        HUB.stop();
        CLUSTER.close();
    }

    @Test
    void aWrongTokenIs401IncorrectToken() {
        try (KbatchClient kbatch = KbatchClient.connect(url, "not-a-token")) {
            for (var call : List.<org.junit.jupiter.api.function.Executable>of(kbatch::whoami, kbatch::listJobs,
                    () -> kbatch.followLogs("x"))) {
                KbatchException e = assertThrows(KbatchException.class, call);
                assertThat(e.status(), is(401));
                assertThat(e.detail(), is("Incorrect token"));
            }
        }
    }

    @Test
    void followingAnUnknownJobIs404RightAway() {
        try (KbatchClient kbatch = KbatchClient.connect(url, "bob-token")) {
            KbatchException e = assertThrows(KbatchException.class, () -> kbatch.streamLogs("no-such-job", l -> { }));
            assertThat(e.status(), is(404));
            assertThat(e.detail(), containsString("no-such-job"));
        }
    }

    @Test
    void closingAFollowedLogStopsTheKubernetesStream() throws Exception {
        try (KbatchClient kbatch = KbatchClient.connect(url, "bob-token")) {
            String name = kbatch.submit(KbatchClient.newJob("early").image("busybox").command("true").build())
                    .getMetadata().getName();
            String first;
            try (Stream<String> lines = kbatch.followLogs(name)) {
                Iterator<String> it = lines.iterator();
                first = it.next();
                assertThat(CLUSTER.activeLogFollowers(), is(1));
            }
            assertThat(first, startsWith("line 1 of " + name));
            // The proxy notices at its next write or two (a line every ~0.7 s here) and closes its Kubernetes stream.
            int followers = 1;
            for (int i = 0; i < 120 && followers > 0; i++) {
                Thread.sleep(50);
                followers = CLUSTER.activeLogFollowers();
            }
            assertThat("the Kubernetes log stream outlived the closed stream", followers, is(0));
        }
    }

    @Test
    void aJobBuiltWithFabric8GoesThroughAsJson(@TempDir Path dir) throws Exception {
        Path script = Files.writeString(dir.resolve("run.sh"), "echo hi\n");
        io.fabric8.kubernetes.api.model.batch.v1.Job fabric8 = new JobBuilder()
                .withNewMetadata().withGenerateName("fabric-").endMetadata()
                .withNewSpec().withBackoffLimit(0).withNewTemplate().withNewSpec()
                .withRestartPolicy("Never")
                .withContainers(new ContainerBuilder().withName("job").withImage("busybox")
                        .withCommand("sh", "/code/run.sh").withWorkingDir("/code")
                        .withNewResources().addToLimits("memory", new Quantity("64Mi")).endResources()
                        .addNewEnv().withName("MODE").withValue("fabric8").endEnv()
                        .build())
                .endSpec().endTemplate().endSpec()
                .build();
        try (KbatchClient kbatch = KbatchClient.connect(url, "bob-token")) {
            Job created = kbatch.submit(KbatchClient.fromJson(Serialization.asJson(fabric8), Job.class), script);
            String name = created.getMetadata().getName();
            assertThat(name, startsWith("fabric-"));

            var job = CLUSTER.client().batch().v1().jobs().inNamespace("kbatch-bob").withName(name).get();
            var container = job.getSpec().getTemplate().getSpec().getContainers().getFirst();
            assertThat(container.getResources().getLimits().get("memory"), is(new Quantity("64Mi")));
            assertThat(container.getWorkingDir(), is("/code"));
            assertThat(container.getEnv().stream().map(e -> e.getName()).toList(), hasItem("MODE"));
            String configMapName = job.getSpec().getTemplate().getSpec().getVolumes().stream()
                    .filter(v -> v.getName().equals("code-source-volume")).findFirst().orElseThrow()
                    .getConfigMap().getName();
            assertThat(configMapName, startsWith("fabric-"));
            ConfigMap cm = CLUSTER.client().configMaps().inNamespace("kbatch-bob").withName(configMapName).get();
            assertThat(unzip(Base64.getDecoder().decode(cm.getBinaryData().get("code"))), is(Map.of("run.sh", "echo hi\n")));

            assertThat(kbatch.listJobs().stream().map(j -> j.getMetadata().getName()).toList(), hasItem(name));
            assertThat(kbatch.getJob(name).getMetadata().getName(), is(name));
        }
    }

    @Test
    void wholeLogsAndDeletion() throws Exception {
        try (KbatchClient kbatch = KbatchClient.connect(url, "bob-token")) {
            String name = kbatch.submit(KbatchClient.newJob("whole").image("busybox").command("true").build())
                    .getMetadata().getName();
            Pod pod = kbatch.awaitPod(name, Duration.ofSeconds(10));
            assertThat(pod.getMetadata().getName(), startsWith(name));
            kbatch.streamLogs(name, line -> { });   // until the pod has ended
            assertThat(kbatch.logs(name), containsString("line 6 of " + pod.getMetadata().getName()));

            kbatch.deleteJob(name);
            assertThat(kbatch.listJobs().stream().map(j -> j.getMetadata().getName()).toList(), not(hasItem(name)));
            KbatchException e = assertThrows(KbatchException.class, () -> kbatch.getJob(name));
            assertThat(e.status(), is(404));
        }
    }

    @Test
    void aCronJobWithCode(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("nightly.py"), "print(1)\n");
        try (KbatchClient kbatch = KbatchClient.connect(url, "bob-token")) {
            CronJob created = kbatch.submit(KbatchClient.newJob("nightly").image("python:3.12")
                    .command("python", "nightly.py").buildCronJob("0 3 * * *"), dir);
            String name = created.getMetadata().getName();
            assertThat(name, startsWith("nightly-cron-"));
            var cron = CLUSTER.client().batch().v1().cronjobs().inNamespace("kbatch-bob").withName(name).get();
            assertThat(cron, notNullValue());
            assertThat(cron.getSpec().getSchedule(), is("0 3 * * *"));
            assertThat(kbatch.cronjobs().listCronJobs().getItems().stream().map(c -> c.getMetadata().getName()).toList(),
                    hasItem(name));
        }
    }
}
