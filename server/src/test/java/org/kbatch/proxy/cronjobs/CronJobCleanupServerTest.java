package org.kbatch.proxy.cronjobs;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.kbatch.client.ApiClient;
import org.kbatch.client.api.CronjobsApi;
import org.kbatch.client.model.CronJobSubmission;
import org.kbatch.proxy.demo.DemoCluster;
import org.kbatch.proxy.testing.ProxyServer;
import org.kbatch.proxy.testing.WireFixtures;
import org.kbatch.proxy.testing.StubHub;
import org.kbatch.proxy.testing.TestServers;
import tools.jackson.databind.JsonNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * Deleting a cronjob deletes the jobs it started, their pods and its Secret and ConfigMap: nothing is left behind.
 * Runs against the demo cluster, whose garbage collector follows ownerReferences like a real cluster's.
 */
class CronJobCleanupServerTest {

    private static final DemoCluster CLUSTER = DemoCluster.start(Duration.ofSeconds(30), 3);
    @RegisterExtension
    static final ProxyServer PROXY = ProxyServer.on(CLUSTER).user("alice-token", "alice")
            .build();
    private static final StubHub HUB = PROXY.hub();

    private final ApiClient api;
    private final CronjobsApi cronjobs;

    CronJobCleanupServerTest(URI uri) {
        this.api = TestServers.client(uri, "");
        this.cronjobs = new CronjobsApi(api);
    }

    private static int left(KubernetesClient k) {
        String ns = "kbatch-alice";
        return k.batch().v1().jobs().inNamespace(ns).list().getItems().size()
                + k.pods().inNamespace(ns).list().getItems().size()
                + k.secrets().inNamespace(ns).list().getItems().size()
                + k.configMaps().inNamespace(ns).list().getItems().size()
                + k.batch().v1().cronjobs().inNamespace(ns).list().getItems().size();
    }

    @Test
    void deletingACronJobLeavesNothingBehind() throws Exception {
        JsonNode body = WireFixtures.requestBody("26-cronjob-submit");
        var submission = api.getObjectMapper().readValue(body.toString(), CronJobSubmission.class);
        var created = cronjobs.submitCronJob(submission, TestServers.token("alice-token"));
        KubernetesClient k = CLUSTER.client();
        // What the CronJob controller does at a scheduled time: a Job owned by the CronJob, from its job template.
        var cron = k.batch().v1().cronjobs().inNamespace("kbatch-alice").withName(created.getMetadata().getName()).get();
        k.batch().v1().jobs().inNamespace("kbatch-alice").resource(new JobBuilder()
                .withNewMetadata().withGenerateName(cron.getMetadata().getName() + "-")
                .withLabels(cron.getSpec().getJobTemplate().getMetadata().getLabels())
                .addNewOwnerReference().withApiVersion("batch/v1").withKind("CronJob").withName(cron.getMetadata().getName())
                .withUid(cron.getMetadata().getUid()).withController(true).endOwnerReference().endMetadata()
                .withSpec(cron.getSpec().getJobTemplate().getSpec()).build()).create();
        for (int i = 0; i < 50 && k.pods().inNamespace("kbatch-alice").list().getItems().isEmpty(); i++) {
            Thread.sleep(100);
        }
        assertThat(k.pods().inNamespace("kbatch-alice").list().getItems().size(), is(1));
        assertThat(k.secrets().inNamespace("kbatch-alice").list().getItems().size(), is(1));
        assertThat(k.configMaps().inNamespace("kbatch-alice").list().getItems().size(), is(1));

        cronjobs.deleteCronJob(created.getMetadata().getName(), TestServers.token("alice-token"));

        int left = left(k);
        for (int i = 0; i < 50 && left > 0; i++) {
            Thread.sleep(100);
            left = left(k);
        }
        assertThat("objects left after deleting the cronjob", left, is(0));
    }
}
