package org.kbatch.proxy.submit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.kbatch.proxy.testing.ProxyServer;
import org.kbatch.proxy.testing.MockCluster;
import org.kbatch.proxy.testing.StubHub;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/**
 * The names of what a submission creates: a job with a fixed {@code metadata.name} (and no generate_name) is
 * accepted, its Secret and ConfigMap are named after it, a second one of the same name is Kubernetes' 409 and leaves
 * nothing behind; a name Kubernetes would refuse is a 422 about the user's field before anything is created.
 */
class SubmissionNamesServerTest {

    @RegisterExtension
    static final ProxyServer PROXY = ProxyServer.onMockCluster().user("alice-token", "alice")
            .build();
    private static final StubHub HUB = PROXY.hub();
    static final KubernetesMockServer server = PROXY.mock();
    static final KubernetesClient client = PROXY.kubernetes();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CODE = "{\"api_version\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {},"
            + " \"binary_data\": {\"code\": \"UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==\"}}";

    private final URI uri;
    private final HttpClient http = HttpClient.newHttpClient();

    SubmissionNamesServerTest(URI uri) {
        this.uri = uri;
    }

    @AfterEach
    void cleanUp() {
        PROXY.clearWorkloads();
    }

    private static String job(String metadata) {
        return "{\"api_version\": \"batch/v1\", \"kind\": \"Job\", \"metadata\": " + metadata + ", \"spec\": {"
                + "\"template\": {\"spec\": {\"restart_policy\": \"Never\", \"containers\": [{\"name\": \"job\","
                + " \"image\": \"busybox\", \"env\": [{\"name\": \"A\", \"value\": \"1\"}]}]}}}}";
    }

    private static String cronJob(String metadata) {
        return "{\"api_version\": \"batch/v1\", \"kind\": \"CronJob\", \"metadata\": " + metadata + ", \"spec\": {"
                + "\"schedule\": \"*/5 * * * *\", \"job_template\": {\"metadata\": {\"generate_name\": \"Ignored-\"},"
                + " \"spec\": {\"template\": {\"spec\": {\"restart_policy\": \"Never\", \"containers\": [{\"name\":"
                + " \"job\", \"image\": \"busybox\", \"env\": [{\"name\": \"A\", \"value\": \"1\"}]}]}}}}}}";
    }

    private record Answer(int status, JsonNode body) {
        String detail() {
            return body.path("detail").asString();
        }
    }

    private Answer post(String path, String job, String code) throws IOException, InterruptedException {
        String body = "{\"job\": " + job + (code == null ? "" : ", \"code\": " + code) + "}";
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(uri.resolve(path))
                .header("Authorization", "token alice-token")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(res.statusCode(), JSON.readTree(res.body()));
    }

    @Test
    void aJobWithAFixedNameIsAcceptedAndItsCompanionsAreNamedAfterIt() throws Exception {
        Answer first = post("/jobs/", job("{\"name\": \"nightly-report\"}"), CODE);

        assertThat(first.body().toString(), first.status(), is(200));
        assertThat(first.body().path("metadata").path("name").asString(), is("nightly-report"));
        List<Secret> secrets = MockCluster.secrets(client);
        List<ConfigMap> configMaps = MockCluster.configMaps(client);
        assertThat(secrets, hasSize(1));
        assertThat(configMaps, hasSize(1));
        assertThat(secrets.getFirst().getMetadata().getName(), startsWith("nightly-report-"));
        assertThat(configMaps.getFirst().getMetadata().getName(), startsWith("nightly-report-"));
        assertThat(secrets.getFirst().getMetadata().getOwnerReferences().getFirst().getName(), is("nightly-report"));

        Answer second = post("/jobs/", job("{\"name\": \"nightly-report\", \"generate_name\": \"\"}"), CODE);

        assertThat(second.body().toString(), second.status(), is(409));
        // Kubernetes' detail, relayed (the mock words it its own way; the API server says jobs.batch "..." already
        // exists)
        assertThat(second.detail(), is("Job 'nightly-report' already exists"));
        assertThat(client.batch().v1().jobs().inAnyNamespace().list().getItems(), hasSize(1));
        assertThat(MockCluster.secrets(client).stream().map(s -> s.getMetadata().getName()).toList(),
                contains(secrets.getFirst().getMetadata().getName()));
        assertThat(MockCluster.configMaps(client).stream().map(c -> c.getMetadata().getName()).toList(),
                contains(configMaps.getFirst().getMetadata().getName()));
    }

    @Test
    void aCronJobWithAFixedNameNamesItsCompanionsAfterItselfNotItsJobTemplate() throws Exception {
        Answer created = post("/cronjobs/", cronJob("{\"name\": \"weekly\"}"), CODE);

        assertThat(created.body().toString(), created.status(), is(200));
        assertThat(MockCluster.secrets(client).getFirst().getMetadata().getName(), startsWith("weekly-"));
        assertThat(MockCluster.configMaps(client).getFirst().getMetadata().getName(), startsWith("weekly-"));

        Answer again = post("/cronjobs/", cronJob("{\"name\": \"weekly\"}"), CODE);

        assertThat(again.status(), is(409));
        assertThat(again.detail(), is("CronJob 'weekly' already exists"));
        assertThat(MockCluster.secrets(client), hasSize(1));
        assertThat(MockCluster.configMaps(client), hasSize(1));
    }

    @Test
    void anUpperCaseCronJobNameIsAboutTheUsersFieldAndCreatesNothing() throws Exception {
        // What `kbatch cronjob submit --name MyJob` sends.
        Answer res = post("/cronjobs/", cronJob("{\"generate_name\": \"MyJob-cron-\"}"), CODE);

        assertThat(res.status(), is(422));
        assertThat(res.detail(), is("job.metadata.generate_name: \"MyJob-cron-\" is not a valid name prefix:"
                + " lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (a DNS-1123"
                + " subdomain); Kubernetes adds 5 random characters to it"));
        assertNothingCreated();
    }

    @Test
    void aCronJobNameTooLongForItsJobsIsRefusedWithTheLimitThatCountsWhatIsAdded() throws Exception {
        Answer fixed = post("/cronjobs/", cronJob("{\"name\": \"" + "c".repeat(53) + "\"}"), null);
        Answer prefix = post("/cronjobs/", cronJob("{\"generate_name\": \"" + "c".repeat(44) + "-cron-\"}"), null);

        assertThat(fixed.status(), is(422));
        assertThat(fixed.detail(), is("job.metadata.name: at most 52 characters, got 53: a CronJob's name may have at"
                + " most 52 (the names of the jobs it starts add 11)"));
        assertThat(prefix.status(), is(422));
        assertThat(prefix.detail(), is("job.metadata.generate_name: at most 47 characters, got 50: Kubernetes adds 5"
                + " random characters, and a CronJob's name may have at most 52 (the names of the jobs it starts add"
                + " 11)"));
        assertNothingCreated();
    }

    @Test
    void envNamesThatCannotBeSecretKeysAreKeptUnderKeysThatCan() throws Exception {
        String job = job("{\"generate_name\": \"odd-env-\"}").replace("[{\"name\": \"A\", \"value\": \"1\"}]",
                "[{\"name\": \"MY VAR\", \"value\": \"1\"}, {\"name\": \"..dots\", \"value\": \"2\"}]");

        Answer res = post("/jobs/", job, null);

        assertThat(res.body().toString(), res.status(), is(200));
        Secret secret = MockCluster.secrets(client).getFirst();
        assertThat(secret.getData().keySet().stream().sorted().toList(), contains("JUPYTERHUB_API_TOKEN",
                "JUPYTER_IMAGE", "JUPYTER_IMAGE_SPEC", "MY_VAR", "_..dots"));
        JsonNode env = res.body().path("spec").path("template").path("spec").path("containers").path(0).path("env");
        assertThat(env.path(0).path("name").asString(), is("MY VAR"));
        assertThat(env.path(0).path("value_from").path("secret_key_ref").path("key").asString(), is("MY_VAR"));
    }

    /** What a Kubernetes before 1.31 answers when the name it generated is taken (NewGenerateNameConflict). */
    private static String generatedNameTaken(String resource, String prefix) {
        return "{\"apiVersion\": \"v1\", \"kind\": \"Status\", \"status\": \"Failure\", \"code\": 409,"
                + " \"reason\": \"AlreadyExists\", \"message\": \"" + resource + " \\\"" + prefix + "x7k2q\\\" already"
                + " exists, the server was not able to generate a unique name for the object\", \"details\":"
                + " {\"retryAfterSeconds\": 1}}";
    }

    @Test
    void aGeneratedNameThatWasTakenIsGeneratedAgainNotTheUsers409() throws Exception {
        server.expect().post().withPath("/api/v1/namespaces/kbatch-alice/secrets")
                .andReturn(409, generatedNameTaken("secrets", "lucky-")).once();
        server.expect().post().withPath("/apis/batch/v1/namespaces/kbatch-alice/jobs")
                .andReturn(409, generatedNameTaken("jobs.batch", "lucky-")).times(2);

        Answer res = post("/jobs/", job("{\"generate_name\": \"lucky-\"}"), CODE);

        assertThat(res.body().toString(), res.status(), is(200));
        String name = res.body().path("metadata").path("name").asString();
        assertThat(client.batch().v1().jobs().inAnyNamespace().list().getItems().stream()
                .map(j -> j.getMetadata().getName()).toList(), contains(name));
        assertThat(MockCluster.secrets(client).stream().map(s -> s.getMetadata().getOwnerReferences().getFirst()
                .getName()).toList(), contains(name));
        assertThat(MockCluster.configMaps(client), hasSize(1));
    }

    @Test
    void aGeneratedNameTakenThreeTimesInARowIsA409AndLeavesNothing() throws Exception {
        server.expect().post().withPath("/apis/batch/v1/namespaces/kbatch-alice/jobs")
                .andReturn(409, generatedNameTaken("jobs.batch", "unlucky-")).times(3);

        Answer res = post("/jobs/", job("{\"generate_name\": \"unlucky-\"}"), CODE);

        assertThat(res.body().toString(), res.status(), is(409));
        assertThat(res.detail(), startsWith("jobs.batch \"unlucky-x7k2q\" already exists"));
        assertNothingCreated();
    }

    private static void assertNothingCreated() {
        assertThat(client.batch().v1().jobs().inAnyNamespace().list().getItems(), empty());
        assertThat(client.batch().v1().cronjobs().inAnyNamespace().list().getItems(), empty());
        assertThat(MockCluster.secrets(client), empty());
        assertThat(MockCluster.configMaps(client), empty());
    }
}
