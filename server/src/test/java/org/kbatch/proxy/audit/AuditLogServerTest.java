package org.kbatch.proxy.audit;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.kbatch.client.ApiClient;
import org.kbatch.client.ApiException;
import org.kbatch.client.api.JobsApi;
import org.kbatch.client.model.JobSubmission;
import org.kbatch.proxy.testing.ProxyServer;
import org.kbatch.proxy.testing.WireFixtures;
import org.kbatch.proxy.testing.StubHub;
import org.kbatch.proxy.testing.TestServers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** One audit line per mutating request, with who/what/where/outcome, and no token or env value in any log line. */
class AuditLogServerTest {

    private static final String TOKEN = "alice-secret-token-4711";
    @RegisterExtension
    static final ProxyServer PROXY = ProxyServer.onMockCluster().user(TOKEN, "alice")
            .build();
    private static final StubHub HUB = PROXY.hub();
    static final KubernetesMockServer server = PROXY.mock();
    static final KubernetesClient client = PROXY.kubernetes();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ApiClient api;
    private final JobsApi jobs;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    AuditLogServerTest(URI uri) {
        this.api = TestServers.client(uri, "");
        this.jobs = new JobsApi(api);
    }

    @BeforeEach
    void listen() {
        Logger.getLogger("").addHandler(capture);
        Logger.getLogger("").setLevel(Level.INFO);
    }

    @AfterEach
    void stopListening() {
        Logger.getLogger("").removeHandler(capture);
    }

    /** The audit lines; a line is written just after its response is sent, so wait briefly for {@code expected}. */
    private List<JsonNode> auditLines(int expected) throws InterruptedException {
        for (int i = 0; i < 50 && auditLines().size() < expected; i++) {
            Thread.sleep(20);
        }
        return auditLines();
    }

    private List<JsonNode> auditLines() {
        return records.stream().filter(r -> AuditLog.LOGGER.equals(r.getLoggerName()))
                .map(r -> JSON.readTree(r.getMessage())).toList();
    }

    @Test
    void submitAndDeleteAreAuditedWithoutSecrets() throws Exception {
        JsonNode body = WireFixtures.requestBody("05-job-submit-with-code");
        ((tools.jackson.databind.node.ObjectNode) body.path("job").path("spec").path("template").path("spec")
                .path("containers").get(0).path("env").get(0)).put("value", "env-value-0815");
        JobSubmission submission = api.getObjectMapper().readValue(body.toString(), JobSubmission.class);
        Map<String, String> auth = Map.of("Authorization", "token " + TOKEN);

        String name = jobs.submitJob(submission, auth).getMetadata().getName();
        jobs.listJobs(null, auth);
        jobs.deleteJob(name, auth);
        assertThrows(ApiException.class, () -> jobs.deleteJob("no-such-job", auth));

        List<JsonNode> audit = auditLines(3);
        assertThat(audit, hasSize(3));
        assertThat(audit.get(0).path("audit").asString(), is("submit-job"));
        assertThat(audit.get(0).path("user").asString(), is("alice"));
        assertThat(audit.get(0).path("namespace").asString(), is("kbatch-alice"));
        assertThat(audit.get(0).path("name").asString(), is(name));
        assertThat(audit.get(0).path("status").asInt(), is(200));
        assertThat(audit.get(0).path("outcome").asString(), is("success"));
        assertThat(audit.get(0).has("duration_ms"), is(true));
        assertThat(audit.get(1).path("audit").asString(), is("delete-job"));
        assertThat(audit.get(1).path("name").asString(), is(name));
        assertThat(audit.get(2).path("status").asInt(), is(404));
        assertThat(audit.get(2).path("outcome").asString(), is("failure"));

        for (LogRecord r : records) {
            String text = r.getMessage() + (r.getThrown() == null ? "" : r.getThrown().toString());
            assertThat(text, not(containsString(TOKEN)));
            assertThat(text, not(containsString("env-value-0815")));
        }
    }

    @Test
    void aRejectedSubmissionIsAuditedAsAFailure() throws Exception {
        assertThrows(ApiException.class, () -> jobs.submitJob(new JobSubmission(), Map.of("Authorization", "token nope")));
        List<JsonNode> audit = auditLines(1);
        assertThat(audit, hasSize(1));
        assertThat(audit.getFirst().path("status").asInt(), is(401));
        assertThat(audit.getFirst().path("audit").asString(), startsWith("submit"));
    }
}
