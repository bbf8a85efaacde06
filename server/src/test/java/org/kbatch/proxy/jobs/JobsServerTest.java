package org.kbatch.proxy.jobs;

import java.net.URI;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.kbatch.client.ApiClient;
import org.kbatch.client.ApiException;
import org.kbatch.client.api.JobsApi;
import org.kbatch.client.api.PodsApi;
import org.kbatch.client.model.Job;
import org.kbatch.client.model.JobList;
import org.kbatch.client.model.JobSubmission;
import org.kbatch.client.model.PodList;
import org.kbatch.client.model.Status;
import org.kbatch.proxy.testing.ProxyServer;
import org.kbatch.proxy.testing.WireFixtures;
import org.kbatch.proxy.testing.FaultInjector;
import org.kbatch.proxy.testing.MockCluster;
import org.kbatch.proxy.testing.StubHub;
import org.kbatch.proxy.testing.TestServers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.hamcrest.Matchers.anyOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Jobs end to end through the generated client: the real server, a stub hub, and fabric8's CRUD mock as the
 * Kubernetes API (behind a fault-injecting HTTP hop). Assertions are on what the API server holds afterwards.
 */
class JobsServerTest {

    @RegisterExtension
    static final ProxyServer PROXY = ProxyServer.onMockCluster()
            .user("alice-token", "alice")
            .user("bob-token", "bob")
            .user("carol-token", "carol")
            .env("KBATCH_JOB_TEMPLATE_FILE", Path.of("src/test/resources/wire/job_template.yaml").toString())
            .env("KBATCH_JOB_EXTRA_ENV", "{\"KBATCH_ACC_EXTRA\":\"from-proxy\"}")
            .throughFaultInjector()
            .build();
    private static final StubHub HUB = PROXY.hub();
    static final KubernetesMockServer server = PROXY.mock();
    static final KubernetesClient client = PROXY.kubernetes();
    private static final FaultInjector kube = PROXY.faults();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JobsApi jobs;
    private final PodsApi pods;
    private final ApiClient api;

    private final URI uri;

    JobsServerTest(URI uri) {
        this.uri = uri;
        this.api = TestServers.client(uri, "");
        this.jobs = new JobsApi(api);
        this.pods = new PodsApi(api);
    }

    /** Each test starts on a healthy, empty cluster, whether the one before passed or not. */
    @AfterEach
    void healAndClean() {
        PROXY.clearWorkloads();
    }

    /** The request body the real CLI sent for `kbatch job submit --code ... --env ...`, through the generated model. */
    private JobSubmission cliSubmission(String fixture) throws Exception {
        JsonNode body = WireFixtures.requestBody(fixture.replaceAll("\\.json$", ""));
        return api.getObjectMapper().readValue(body.toString(), JobSubmission.class);
    }

    private static Map<String, String> as(String user) {
        return TestServers.token(user + "-token");
    }

    @Test
    void submitWithCodeAndEnvCreatesSecretConfigMapAndJobOwnedByTheJob() throws Exception {
        Job job = jobs.submitJob(cliSubmission("05-job-submit-with-code.json"), as("alice"));
        String name = job.getMetadata().getName();
        assertThat(name, startsWith("acc-job-"));
        assertThat(job.getMetadata().getNamespace(), is("kbatch-alice"));

        assertThat(client.namespaces().withName("kbatch-alice").get(), notNullValue());
        var created = client.batch().v1().jobs().inNamespace("kbatch-alice").withName(name).get();
        var pod = created.getSpec().getTemplate().getSpec();
        assertThat(created.getMetadata().getLabels().get("kbatch.jupyter.org/username"), is("alice"));
        assertThat(created.getMetadata().getAnnotations().get("acceptance.kbatch/template"), is("applied"));
        assertThat(pod.getNodeSelector(), is(Map.of("acceptance.kbatch/pool", "batch")));
        assertThat(created.getSpec().getTtlSecondsAfterFinished(), is(3600));
        assertThat(pod.getInitContainers(), hasSize(1));
        assertThat(pod.getContainers().getFirst().getEnv().stream().map(EnvVar::getName).toList(), contains(
                "ACC_FOO", "ACC_NUM", "KBATCH_ACC_EXTRA", "JUPYTER_IMAGE", "JUPYTER_IMAGE_SPEC", "JUPYTERHUB_API_TOKEN"));
        assertThat("every env value comes from the Secret", pod.getContainers().getFirst().getEnv().stream()
                .filter(e -> e.getValue() != null || e.getValueFrom().getSecretKeyRef() == null)
                .map(EnvVar::getName).toList(), empty());

        List<Secret> secrets = MockCluster.secrets(client);
        assertThat(secrets, hasSize(1));
        Secret secret = secrets.getFirst();
        assertThat(new String(Base64.getDecoder().decode(secret.getData().get("JUPYTERHUB_API_TOKEN"))), is("alice-token"));
        assertThat(new String(Base64.getDecoder().decode(secret.getData().get("ACC_FOO"))), is("bar"));
        assertThat(pod.getContainers().getFirst().getEnv().getFirst().getValueFrom().getSecretKeyRef().getName(),
                is(secret.getMetadata().getName()));
        assertThat(secret.getMetadata().getOwnerReferences().getFirst().getName(), is(name));
        assertThat(secret.getMetadata().getOwnerReferences().getFirst().getUid(), is(created.getMetadata().getUid()));

        List<ConfigMap> configMaps = MockCluster.configMaps(client);
        assertThat(configMaps, hasSize(1));
        ConfigMap code = configMaps.getFirst();
        assertThat(code.getBinaryData().get("code"), startsWith("UEsDB"));
        assertThat(code.getMetadata().getOwnerReferences().getFirst().getKind(), is("Job"));
        assertThat(pod.getVolumes().stream().filter(v -> v.getName().equals("code-source-volume")).findFirst()
                .orElseThrow().getConfigMap().getName(), is(code.getMetadata().getName()));

        // list, show, delete
        JobList list = jobs.listJobs(null, as("alice"));
        assertThat(list.getItems().stream().map(j -> j.getMetadata().getName()).toList(), hasItem(name));
        assertThat(jobs.getJob(name, as("alice")).getMetadata().getUid(), is(created.getMetadata().getUid()));
        Status deleted = jobs.deleteJob(name, as("alice"));
        assertThat(deleted.getStatus(), is("Success"));
        assertThat(client.batch().v1().jobs().inNamespace("kbatch-alice").withName(name).get(), is((Object) null));
    }

    @Test
    void aSubmittedNamespaceIsOverwrittenAndTheNamespaceGetsThePodSecurityLabel() throws Exception {
        JobSubmission submission = cliSubmission("05-job-submit-with-code.json");
        submission.getJob().getMetadata().setNamespace("kbatch-bob");
        submission.getJob().getMetadata().getLabels().put("kbatch.jupyter.org/username", "bob");
        Job job = jobs.submitJob(submission, as("alice"));
        assertThat(job.getMetadata().getNamespace(), is("kbatch-alice"));
        assertThat(job.getMetadata().getLabels().get("kbatch.jupyter.org/username"), is("alice"));
        assertThat(client.batch().v1().jobs().inNamespace("kbatch-bob").list().getItems(), empty());
        assertThat(client.namespaces().withName("kbatch-alice").get().getMetadata().getLabels()
                .get("pod-security.kubernetes.io/enforce"), is("baseline"));
    }

    @Test
    void unknownJobIs404WithTheKubernetesMessage() {
        ApiException show = assertThrows(ApiException.class, () -> jobs.getJob("no-such-job", as("alice")));
        assertThat(show.getCode(), is(404));
        assertThat(show.getResponseBody(), is("{\"detail\":\"jobs.batch \\\"no-such-job\\\" not found\"}"));
        ApiException delete = assertThrows(ApiException.class, () -> jobs.deleteJob("no-such-job", as("alice")));
        assertThat(delete.getCode(), is(404));
        ApiException logs = assertThrows(ApiException.class, () -> jobs.getJobLogs("no-such-job", false, null, null, null, null, null, as("alice")));
        assertThat(logs.getCode(), is(404));
        assertThat(logs.getResponseBody(), is("{\"detail\":\"No pods found for job no-such-job\"}"));
    }

    @Test
    void anotherUserCannotSeeShowDeleteOrReadLogsOfAlicesJob() throws Exception {
        Job job = jobs.submitJob(cliSubmission("05-job-submit-with-code.json"), as("alice"));
        String name = job.getMetadata().getName();
        client.pods().inNamespace("kbatch-alice").resource(new PodBuilder().withNewMetadata().withName(name + "-p1")
                .addToLabels("job-name", name).addToLabels("batch.kubernetes.io/job-name", name).endMetadata()
                .build()).create();

        assertThat(jobs.listJobs(null, as("bob")).getItems(), empty());
        assertThat(pods.listPods(name, as("bob")).getItems(), empty());
        assertThat(pods.listPods("", as("bob")).getItems(), empty());
        assertThat(assertThrows(ApiException.class, () -> jobs.getJob(name, as("bob"))).getCode(), is(404));
        assertThat(assertThrows(ApiException.class, () -> jobs.deleteJob(name, as("bob"))).getCode(), is(404));
        assertThat(assertThrows(ApiException.class, () -> jobs.getJobLogs(name, false, null, null, null, null, null, as("bob"))).getCode(), is(404));
        assertThat(assertThrows(ApiException.class, () -> pods.getPodLogs(name + "-p1", false, null, null, null, null, null, as("bob"))).getCode(),
                is(404));
        for (String hostile : List.of("..%2Fkbatch-alice%2F" + name, "kbatch-alice/" + name, name + ",x=y", "A_B")) {
            ApiException e = assertThrows(ApiException.class, () -> jobs.getJob(hostile, as("bob")));
            assertThat(hostile, e.getCode(), anyOf(is(404), is(422)));
        }
        // and the job is still there for alice
        assertThat(jobs.getJob(name, as("alice")).getMetadata().getName(), is(name));
        PodList alicePods = pods.listPods(name, as("alice"));
        assertThat(alicePods.getItems(), hasSize(1));
    }

    @Test
    void aJobInTheListIsWrittenExactlyAsShowingItWritesIt() throws Exception {
        // The list is transcoded from the API's JSON; show writes the parsed model: the CLI must not see a difference.
        String name = jobs.submitJob(cliSubmission("05-job-submit-with-code.json"), as("alice")).getMetadata().getName();

        JsonNode list = JSON.readTree(rawGet("/jobs/"));
        JsonNode shown = JSON.readTree(rawGet("/jobs/" + name));

        JsonNode listed = null;
        for (JsonNode item : list.get("items")) {
            if (item.get("metadata").get("name").asString().equals(name)) {
                listed = item;
            }
        }
        assertThat(listed == null ? null : JSON.writeValueAsString(listed), is(JSON.writeValueAsString(shown)));
        assertThat(shown.get("spec").get("template").get("spec").get("init_containers").size(), is(1));
    }

    private String rawGet(String path) throws Exception {
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(uri.resolve(path))
                .header("Authorization", "token alice-token").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode(), is(200));
        return response.body();
    }

    @Test
    void aListLongerThanOnePageArrivesWhole() throws Exception {
        // A real API server pages (limit/continue); the CRUD mock does not, so the pages are expectations here.
        server.expect().get().withPath("/apis/batch/v1/namespaces/kbatch-carol/jobs?limit=500")
                .andReturn(200, page("2", "carol-a", "carol-b")).once();
        server.expect().get().withPath("/apis/batch/v1/namespaces/kbatch-carol/jobs?continue=2&limit=500")
                .andReturn(200, page(null, "carol-c")).once();

        JobList list = jobs.listJobs(null, as("carol"));

        assertThat(list.getItems().stream().map(j -> j.getMetadata().getName()).toList(),
                contains("carol-a", "carol-b", "carol-c"));
        assertThat(list.getItems().getFirst().getStatus().getSucceeded(), is(1));
    }

    @Test
    void aSecondPageThatFailsIsAnErrorWhileNothingWasSentYet() {
        server.expect().get().withPath("/apis/batch/v1/namespaces/kbatch-carol/jobs?limit=500")
                .andReturn(200, page("2", "carol-a")).once();
        server.expect().get().withPath("/apis/batch/v1/namespaces/kbatch-carol/jobs?continue=2&limit=500")
                .andReturn(500, "{\"kind\":\"Status\",\"status\":\"Failure\",\"code\":500,"
                        + "\"message\":\"etcdserver: request timed out\"}").once();

        ApiException e = assertThrows(ApiException.class, () -> jobs.listJobs(null, as("carol")));

        assertThat(e.getCode(), is(500));
        assertThat(e.getResponseBody(), containsString("etcdserver: request timed out"));
    }

    @Test
    void aPageThatFailsAfterPartOfTheListWasSentFailsTheRequestInsteadOfShorteningTheList() throws Exception {
        String[] many = new String[300];
        for (int i = 0; i < many.length; i++) {
            many[i] = "carol-" + i;
        }
        server.expect().get().withPath("/apis/batch/v1/namespaces/kbatch-carol/jobs?limit=500")
                .andReturn(200, page("2", many)).once();
        server.expect().get().withPath("/apis/batch/v1/namespaces/kbatch-carol/jobs?continue=2&limit=500")
                .andReturn(500, "{\"kind\":\"Status\",\"status\":\"Failure\",\"code\":500}").once();

        // The first page's 300 jobs went out already; the answer is cut off, not ended as a valid shorter list.
        ApiException e = assertThrows(ApiException.class, () -> jobs.listJobs(null, as("carol")));
        assertThat(e.getCode(), is(0));
        // And the client's next request works (the broken connection is not reused).
        assertThat(jobs.listJobs(null, as("bob")).getItems(), empty());
    }

    @Test
    void aFirstPageThatFailsIsAnErrorWithADetail() {
        server.expect().get().withPath("/apis/batch/v1/namespaces/kbatch-carol/jobs?limit=500")
                .andReturn(403, "{\"kind\":\"Status\",\"status\":\"Failure\",\"code\":403,\"reason\":\"Forbidden\","
                        + "\"message\":\"jobs.batch is forbidden: User cannot list resource\"}").once();

        ApiException e = assertThrows(ApiException.class, () -> jobs.listJobs(null, as("carol")));

        assertThat(e.getCode(), is(403));
        assertThat(e.getResponseBody(), containsString("\"detail\""));
        assertThat(e.getResponseBody(), containsString("forbidden"));
    }

    @Test
    void theProxysOwnMissingPermissionIsAServerFaultThatDoesNotNameItsIdentity() {
        String refusal = "jobs.batch is forbidden: User \"system:serviceaccount:jhub:kbatch-proxy\" cannot list"
                + " resource \"jobs\" in API group \"batch\" in the namespace \"kbatch-carol\"";
        server.expect().get().withPath("/apis/batch/v1/namespaces/kbatch-carol/jobs?limit=500")
                .andReturn(403, "{\"kind\":\"Status\",\"status\":\"Failure\",\"code\":403,\"reason\":\"Forbidden\","
                        + "\"message\":" + tools.jackson.databind.json.JsonMapper.builder().build()
                        .writeValueAsString(refusal) + "}").once();
        java.util.List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger log = java.util.logging.Logger.getLogger("org.kbatch.proxy.http");
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                logged.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(capture);
        try {
            ApiException e = assertThrows(ApiException.class, () -> jobs.listJobs(null, as("carol")));

            assertThat(e.getCode(), is(500));
            assertThat(e.getResponseBody(), is("{\"detail\":\"The proxy is not allowed to list jobs.batch in namespace"
                    + " kbatch-carol; this is a fault of the deployment, not of your request: ask the administrator to"
                    + " check the proxy's RBAC (the Helm chart's rbac.create)\"}"));
            assertThat(logged, hasItem(containsString(refusal)));
        } finally {
            log.removeHandler(capture);
        }
    }

    private static io.fabric8.kubernetes.api.model.batch.v1.JobList page(String next, String... names) {
        var page = new io.fabric8.kubernetes.api.model.batch.v1.JobListBuilder()
                .withMetadata(new io.fabric8.kubernetes.api.model.ListMetaBuilder().withContinue(next)
                        .withResourceVersion("9").build());
        for (String name : names) {
            page.addNewItem().withNewMetadata().withName(name).withNamespace("kbatch-carol").endMetadata()
                    .withNewStatus().withSucceeded(1).endStatus().endItem();
        }
        return page.build();
    }

    @Test
    void aFailureAtAnyStepLeavesNothingBehindAndRelaysTheError() throws Exception {
        record Step(String method, String pathPart) {
        }
        for (Step step : List.of(new Step("POST", "/secrets"), new Step("POST", "/configmaps"),
                new Step("POST", "/jobs"), new Step("PATCH", "/secrets/"), new Step("PATCH", "/configmaps/"))) {
            kube.fail(500, (method, path) -> method.equals(step.method()) && path.contains(step.pathPart()));
            ApiException e = assertThrows(ApiException.class,
                    () -> jobs.submitJob(cliSubmission("05-job-submit-with-code.json"), as("alice")));
            assertThat(step.toString(), e.getCode(), is(500));
            assertThat(e.getResponseBody(), containsString("injected failure 500 on " + step.method()));
            kube.heal();
            assertThat(step + " left a Secret", MockCluster.secrets(client), empty());
            assertThat(step + " left a ConfigMap", MockCluster.configMaps(client), empty());
            assertThat(step + " left a Job", client.batch().v1().jobs().inAnyNamespace().list().getItems(), empty());
        }
    }

    @Test
    void aBodyOverTheLimitIs413WithADetailAndCreatesNothing() throws Exception {
        String huge = "{\"job\": {\"metadata\": {\"annotations\": {\"x\": \"" + "a".repeat(2 * 1024 * 1024) + "\"}}}}";
        var res = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(URI.create(api.getBaseUri() + "/jobs/"))
                        .header("Authorization", "token alice-token")
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(huge)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode(), is(413));
        // Only a submission's code may go over KBATCH_MAX_REQUEST_BYTES; this job has none.
        assertThat(res.body(), is("{\"detail\":\"Request body too large: " + huge.length() + " bytes besides the"
                + " code archive; at most 1048576 bytes are allowed (KBATCH_MAX_REQUEST_BYTES)\"}"));
        assertThat(MockCluster.secrets(client), empty());
    }

    @Test
    void kubernetesUnreachableIs503() throws Exception {
        kube.fail(503, (m, p) -> true);
        ApiException e = assertThrows(ApiException.class, () -> jobs.listJobs(null, as("alice")));
        assertThat(e.getCode(), is(503));
    }
}
