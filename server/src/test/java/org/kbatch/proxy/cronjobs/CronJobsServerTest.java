package org.kbatch.proxy.cronjobs;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.kbatch.client.ApiClient;
import org.kbatch.client.ApiException;
import org.kbatch.client.api.CronjobsApi;
import org.kbatch.client.model.CronJob;
import org.kbatch.client.model.CronJobSubmission;
import org.kbatch.proxy.testing.ProxyServer;
import org.kbatch.proxy.testing.WireFixtures;
import org.kbatch.proxy.testing.MockCluster;
import org.kbatch.proxy.testing.StubHub;
import org.kbatch.proxy.testing.TestServers;
import tools.jackson.databind.JsonNode;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** CronJobs through the generated client: the same rendering on spec.jobTemplate, list, show, delete, isolation. */
class CronJobsServerTest {

    @RegisterExtension
    static final ProxyServer PROXY = ProxyServer.onMockCluster().user("alice-token", "alice").user("bob-token", "bob")
            .env("KBATCH_JOB_TEMPLATE_FILE", Path.of("src/test/resources/wire/job_template.yaml").toString())
            .build();
    private static final StubHub HUB = PROXY.hub();
    static final KubernetesMockServer server = PROXY.mock();
    static final KubernetesClient client = PROXY.kubernetes();

    private final ApiClient api;
    private final CronjobsApi cronjobs;

    CronJobsServerTest(URI uri) {
        this.api = TestServers.client(uri, "");
        this.cronjobs = new CronjobsApi(api);
    }

    @Test
    void submitListShowDeleteACronJobWithCode() throws Exception {
        JsonNode body = WireFixtures.requestBody("26-cronjob-submit");
        CronJobSubmission submission = api.getObjectMapper().readValue(body.toString(), CronJobSubmission.class);
        Map<String, String> alice = TestServers.token("alice-token");

        CronJob cronJob = cronjobs.submitCronJob(submission, alice);
        String name = cronJob.getMetadata().getName();
        assertThat(name, startsWith("acc-cron-cron-"));
        assertThat(cronJob.getSpec().getSchedule(), is("*/5 * * * *"));

        var created = client.batch().v1().cronjobs().inNamespace("kbatch-alice").withName(name).get();
        var jobTemplate = created.getSpec().getJobTemplate();
        var container = jobTemplate.getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertThat(jobTemplate.getMetadata().getLabels().get("kbatch.jupyter.org/username"), is("alice"));
        assertThat(jobTemplate.getSpec().getTtlSecondsAfterFinished(), is(3600));
        assertThat(jobTemplate.getSpec().getTemplate().getSpec().getNodeSelector(),
                is(Map.of("acceptance.kbatch/pool", "batch")));
        assertThat(container.getEnv().stream().map(EnvVar::getName).toList(),
                contains("CRON_VAR", "JUPYTER_IMAGE", "JUPYTER_IMAGE_SPEC", "JUPYTERHUB_API_TOKEN"));
        assertThat(MockCluster.secrets(client).getFirst().getMetadata().getOwnerReferences().getFirst().getKind(),
                is("CronJob"));
        assertThat(MockCluster.configMaps(client).getFirst().getMetadata().getOwnerReferences().getFirst().getName(),
                is(name));

        assertThat(cronjobs.listCronJobs(alice).getItems().stream().map(c -> c.getMetadata().getName()).toList(),
                hasItem(name));
        assertThat(cronjobs.listCronJobs(TestServers.token("bob-token")).getItems(), empty());
        assertThat(assertThrows(ApiException.class,
                () -> cronjobs.getCronJob(name, TestServers.token("bob-token"))).getCode(), is(404));
        assertThat(cronjobs.getCronJob(name, alice).getSpec().getJobTemplate(), not(is((Object) null)));

        assertThat(cronjobs.deleteCronJob(name, alice).getStatus(), is("Success"));
        assertThat(client.batch().v1().cronjobs().inAnyNamespace().list().getItems(), empty());
        ApiException again = assertThrows(ApiException.class, () -> cronjobs.deleteCronJob(name, alice));
        assertThat(again.getCode(), is(404));
        assertThat(again.getResponseBody(), is("{\"detail\":\"cronjobs.batch \\\"" + name + "\\\" not found\"}"));
    }

    @Test
    void malformedAndMisspelledBodiesAreClear4xx() throws Exception {
        Map<String, String> alice = TestServers.token("alice-token");
        var http = java.net.http.HttpClient.newHttpClient();
        record Case(String body, int status, String detail) {
        }
        for (Case c : List.of(
                new Case("{\"job\": {", 400, "Malformed JSON"),
                new Case("{}", 422, "Missing 'job'"),
                new Case("{\"job\": {\"kind\": \"CronJob\", \"spec\": {\"schedulee\": \"* * * * *\"}}}", 422,
                        "Unknown key 'schedulee' at job.spec"))) {
            var res = http.send(java.net.http.HttpRequest.newBuilder(URI.create(api.getBaseUri() + "/cronjobs/"))
                    .header("Authorization", alice.get("Authorization"))
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(c.body())).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(c.body(), res.statusCode(), is(c.status()));
            assertThat(res.body(), org.hamcrest.Matchers.containsString(c.detail()));
        }
        assertThat(client.batch().v1().cronjobs().inAnyNamespace().list().getItems(), hasSize(0));
        assertThat(MockCluster.secrets(client), empty());
    }
}
