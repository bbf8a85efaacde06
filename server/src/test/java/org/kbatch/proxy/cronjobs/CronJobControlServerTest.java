package org.kbatch.proxy.cronjobs;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kbatch.client.ApiClient;
import org.kbatch.client.ApiException;
import org.kbatch.client.KbatchClient;
import org.kbatch.client.api.CronjobsApi;
import org.kbatch.client.api.JobsApi;
import org.kbatch.client.model.CronJob;
import org.kbatch.client.model.CronJobPatch;
import org.kbatch.client.model.CronJobSubmission;
import org.kbatch.client.model.Job;
import org.kbatch.proxy.testing.ProxyServer;
import org.kbatch.proxy.testing.TestServers;
import org.kbatch.proxy.testing.WireFixtures;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasEntry;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Pausing, resuming and triggering cronjobs, and listing a cronjob's jobs, through the generated client and
 * {@code KbatchClient}: the state is asserted in the API server (the CRUD mock), as {@code kubectl} would show it.
 */
class CronJobControlServerTest {

    @RegisterExtension
    static final ProxyServer PROXY = ProxyServer.onMockCluster()
            .user("alice-token", "alice").user("bob-token", "bob")
            .env("KBATCH_JOB_TEMPLATE_FILE", Path.of("src/test/resources/wire/job_template.yaml").toString())
            .build();
    static final KubernetesClient client = PROXY.kubernetes();
    private static final Map<String, String> ALICE = TestServers.token("alice-token");
    private static final Map<String, String> BOB = TestServers.token("bob-token");

    private final ApiClient api;
    private final CronjobsApi cronjobs;
    private final JobsApi jobs;
    private final URI uri;

    CronJobControlServerTest(URI uri) {
        this.uri = uri;
        this.api = TestServers.client(uri, "");
        this.cronjobs = new CronjobsApi(api);
        this.jobs = new JobsApi(api);
    }

    @AfterEach
    void clean() {
        PROXY.clearWorkloads();
    }

    private String submitted() throws Exception {
        CronJobSubmission submission = api.getObjectMapper().readValue(
                WireFixtures.requestBody("26-cronjob-submit").toString(), CronJobSubmission.class);
        return cronjobs.submitCronJob(submission, ALICE).getMetadata().getName();
    }

    @Test
    void aCronJobIsPausedAndResumed() throws Exception {
        String name = submitted();
        CronJob paused = cronjobs.patchCronJob(name, new CronJobPatch().suspend(true), ALICE);
        assertThat(paused.getSpec().getSuspend(), is(true));
        assertThat(client.batch().v1().cronjobs().inNamespace("kbatch-alice").withName(name).get().getSpec()
                .getSuspend(), is(true));
        try (KbatchClient kbatch = KbatchClient.connect(uri.toString(), "alice-token")) {
            assertThat(kbatch.suspend(name, false).getSpec().getSuspend(), is(false));
        }
        assertThat(client.batch().v1().cronjobs().inNamespace("kbatch-alice").withName(name).get().getSpec()
                .getSuspend(), is(false));
        // The rest of the cronjob is untouched.
        assertThat(client.batch().v1().cronjobs().inNamespace("kbatch-alice").withName(name).get().getSpec()
                .getSchedule(), is("*/5 * * * *"));
    }

    @Test
    void aTriggeredJobIsTheCronJobsRenderedTemplateOwnedByIt() throws Exception {
        String name = submitted();
        var cron = client.batch().v1().cronjobs().inNamespace("kbatch-alice").withName(name).get();

        Job started = cronjobs.triggerCronJob(name, ALICE);

        String job = started.getMetadata().getName();
        // NAME-manual-xxxxx, NAME cut so that the job's name fits its pods' 63-character job-name label.
        String prefix = (name + "-manual-").length() <= 58 ? name + "-manual-"
                : name.substring(0, 50) + "-manual-";
        assertThat(job, startsWith(prefix));
        var created = client.batch().v1().jobs().inNamespace("kbatch-alice").withName(job).get();
        assertThat(created.getMetadata().getAnnotations(), hasEntry("cronjob.kubernetes.io/instantiate", "manual"));
        assertThat(created.getMetadata().getLabels(), hasEntry("kbatch.jupyter.org/username", "alice"));
        var owner = created.getMetadata().getOwnerReferences().getFirst();
        assertThat(owner.getKind() + " " + owner.getName() + " " + owner.getUid() + " " + owner.getController(),
                is("CronJob " + name + " " + cron.getMetadata().getUid() + " true"));
        // The same env (from the cronjob's Secret), code volume and template as the cronjob's own runs.
        assertThat(created.getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv().stream()
                        .map(EnvVar::getName).toList(),
                contains("CRON_VAR", "JUPYTER_IMAGE", "JUPYTER_IMAGE_SPEC", "JUPYTERHUB_API_TOKEN"));
        assertThat(created.getSpec().getTemplate(), is(cron.getSpec().getJobTemplate().getSpec().getTemplate()));
    }

    @Test
    void aCronJobsJobsAreListedByItsName() throws Exception {
        String name = submitted();
        String other = submitted();
        try (KbatchClient kbatch = KbatchClient.connect(uri.toString(), "alice-token")) {
            String first = kbatch.trigger(name).getMetadata().getName();
            kbatch.trigger(other);
            // A job that only looks like one of its runs (same name prefix, no owner) is not one.
            client.batch().v1().jobs().inNamespace("kbatch-alice").resource(new JobBuilder().withNewMetadata()
                    .withName(name + "-lookalike").addToLabels("kbatch.jupyter.org/username", "alice").endMetadata()
                    .build()).create();

            assertThat(kbatch.jobsOf(name).stream().map(j -> j.getMetadata().getName()).toList(), contains(first));
            assertThat(jobs.listJobs("", ALICE).getItems().size(), is(3));
        }
    }

    @Test
    void anotherUsersCronJobCannotBePausedTriggeredOrListed() throws Exception {
        String name = submitted();
        for (var call : java.util.List.<org.junit.jupiter.api.function.Executable>of(
                () -> cronjobs.patchCronJob(name, new CronJobPatch().suspend(true), BOB),
                () -> cronjobs.triggerCronJob(name, BOB),
                () -> jobs.listJobs(name, BOB))) {
            ApiException e = assertThrows(ApiException.class, call);
            assertThat(e.getResponseBody(), is("{\"detail\":\"cronjobs.batch \\\"" + name + "\\\" not found\"}"));
        }
        assertThat(client.batch().v1().cronjobs().inNamespace("kbatch-alice").withName(name).get().getSpec()
                .getSuspend(), not(true));
        assertThat(client.batch().v1().jobs().inAnyNamespace().list().getItems(), empty());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{}                           | 422 | The body must be {\\\"suspend\\\": true} or {\\\"suspend\\\": false}",
        "{\"suspend\": \"yes\"}         | 422 | suspend",
        "{\"suspend\": true, \"x\": 1}  | 422 | x",
        "{\"suspend\": tru             | 400 | Malformed JSON",
    })
    void aBadPatchIsAClear4xxAndChangesNothing(String body, int status, String inDetail) throws Exception {
        String name = submitted();
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri.resolve("/cronjobs/"
                        + name)).header("Authorization", "token alice-token").header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(body, res.statusCode(), is(status));
        assertThat(res.body(), startsWith("{\"detail\":\""));
        assertThat(res.body(), org.hamcrest.Matchers.containsString(inDetail));
        assertThat(client.batch().v1().cronjobs().inNamespace("kbatch-alice").withName(name).get().getSpec()
                .getSuspend(), not(true));
    }
}
