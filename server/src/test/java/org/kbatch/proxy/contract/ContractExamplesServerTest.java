package org.kbatch.proxy.contract;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.kbatch.proxy.Main;
import org.kbatch.proxy.config.ProxyConfig;
import org.kbatch.proxy.kube.KubernetesClients;
import org.kbatch.proxy.testing.ProxyServer;
import org.kbatch.proxy.testing.StubHub;
import org.kbatch.proxy.testing.TestServers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

/**
 * Every error example in {@code openapi.yaml} ({@code components.responses}) is what the server really answers: each
 * is provoked here against the real server, and its status and body must be the example's, under the status code
 * the paths list it for. An example without a provocation fails the test too, so the contract cannot quote a message
 * the server never sends.
 */
class ContractExamplesServerTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNode CONTRACT = readContract();
    @RegisterExtension
    static final ProxyServer PROXY = ProxyServer.onMockCluster().user("alice-token", "alice")
            .env("KBATCH_MAX_CRONJOBS", "1")
            .user("outsider-token", "outsider", List.of(),
                    List.of("access:servers!user=outsider", "read:users!user=outsider"))
            .build();
    private static final StubHub HUB = PROXY.hub();
    static final KubernetesMockServer server = PROXY.mock();
    static final KubernetesClient client = PROXY.kubernetes();

    private final URI uri;
    private final HttpClient http = HttpClient.newHttpClient();

    ContractExamplesServerTest(URI uri) {
        this.uri = uri;
    }

    private record Answer(int status, String body) {
    }

    @Test
    void everyErrorExampleIsARealAnswer() throws Exception {
        Map<String, Callable<Answer>> provoke = new LinkedHashMap<>();
        provoke.put("BadRequest", () -> send("POST", "jobs/", "alice-token", "{\"job\":    /* x */ {}}"));
        provoke.put("Unauthorized", () -> send("GET", "jobs/", "wrong-token", null));
        provoke.put("Forbidden", () -> send("GET", "jobs/", "outsider-token", null));
        provoke.put("NotFound", () -> send("GET", "jobs/no-such-job", "alice-token", null));
        provoke.put("Conflict", () -> {
            // What the API server answers for a name that exists (the mock words it otherwise).
            server.expect().post().withPath("/apis/batch/v1/namespaces/kbatch-alice/jobs").andReturn(409,
                    status(409, "AlreadyExists", "jobs.batch \"fixed-name\" already exists")).once();
            return send("POST", "jobs/", "alice-token", "{\"job\": " + job("\"name\": \"fixed-name\"", "2") + "}");
        });
        provoke.put("TooLarge", this::announcedTooLarge);
        provoke.put("TooManyRequests", () -> {
            String cron = "{\"job\": {\"metadata\": {\"generate_name\": \"c-\"}, \"spec\": {\"schedule\": \"0 3 * * *\","
                    + " \"job_template\": {\"spec\": {\"template\": {\"spec\": {\"restart_policy\": \"Never\","
                    + " \"containers\": [{\"name\": \"job\", \"image\": \"busybox:1.36\"}]}}}}}}}";
            Answer first = send("POST", "cronjobs/", "alice-token", cron);
            assertThat(first.body(), first.status(), is(200));
            Answer refused = send("POST", "cronjobs/", "alice-token", cron);
            client.batch().v1().cronjobs().inAnyNamespace().delete();
            return refused;
        });
        provoke.put("Unprocessable", () -> send("POST", "jobs/", "alice-token",
                "{\"job\": " + job("\"generate_name\": \"p-\"", "\"2\"") + "}"));
        provoke.put("DeploymentFault", () -> {
            server.expect().get().withPath("/api/v1/namespaces/kbatch-alice/pods?limit=500").andReturn(403,
                    status(403, "Forbidden", "pods is forbidden: User \"system:serviceaccount:jhub:kbatch-proxy\""
                            + " cannot list resource \"pods\" in API group \"\" in the namespace \"kbatch-alice\""))
                    .once();
            return send("GET", "pods/", "alice-token", null);
        });
        provoke.put("GatewayTimeout", () -> withKubernetesThatNeverAnswers("alice-token"));
        provoke.put("Unavailable", () -> withHubDown());

        Map<String, String> examples = new TreeMap<>();
        CONTRACT.at("/components/responses").properties().forEach(e -> {
            JsonNode detail = e.getValue().at("/content/application~1json/example/detail");
            if (!detail.isMissingNode()) {
                examples.put(e.getKey(), detail.asString());
            }
        });
        assertThat("every error example has a provocation here", new TreeSet<>(provoke.keySet()),
                is(new TreeSet<>(examples.keySet())));

        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, String> example : examples.entrySet()) {
            Answer answer = provoke.get(example.getKey()).call();
            String expected = JSON.writeValueAsString(Map.of("detail", example.getValue()));
            if (!statusesListing(example.getKey()).contains(Integer.toString(answer.status()))
                    || !JSON.readTree(answer.body()).equals(JSON.readTree(expected))) {
                wrong.add(example.getKey() + ": the contract says " + statusesListing(example.getKey()) + " "
                        + expected + ", the server answered " + answer.status() + " " + answer.body());
            }
        }
        assertThat(wrong, is(List.of()));
    }

    @Test
    void timeoutsAndDeploymentFaultsAreInTheContractOfEveryKubernetesCall() {
        CONTRACT.path("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            JsonNode responses = op.getValue().path("responses");
            if (responses.has("503") && !List.of("/", "/authorized", "/profiles/").contains(path.getKey())) {
                assertThat(path.getKey() + " " + op.getKey(), new TreeSet<>(responses.propertyNames()),
                        hasItem("500"));
                assertThat(path.getKey() + " " + op.getKey(), new TreeSet<>(responses.propertyNames()),
                        hasItem("504"));
            }
        }));
    }

    /** The status codes under which the paths list this response. */
    private static TreeSet<String> statusesListing(String response) {
        TreeSet<String> codes = new TreeSet<>();
        String ref = "#/components/responses/" + response;
        CONTRACT.path("paths").forEach(path -> path.forEach(op -> op.path("responses").properties().forEach(r -> {
            if (ref.equals(r.getValue().path("$ref").asString(""))) {
                codes.add(r.getKey());
            }
        })));
        return codes;
    }

    private Answer send(String method, String path, String token, String body) throws IOException, InterruptedException {
        return send(uri, method, path, token, body);
    }

    private Answer send(URI base, String method, String path, String token, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/" + path))
                .header("Authorization", "token " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
    }

    /** A body announced larger than the limit: answered before it is sent, the connection then closed. */
    private Answer announcedTooLarge() throws IOException {
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.getOutputStream().write(("POST /jobs/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: token alice-token\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + (64 << 20) + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
            int status = Integer.parseInt(in.readLine().split(" ")[1]);
            int length = 0;
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).strip());
                }
            }
            char[] body = new char[length];
            int read = 0;
            while (read < length) {
                int n = in.read(body, read, length - read);
                if (n < 0) {
                    break;
                }
                read += n;
            }
            return new Answer(status, new String(body, 0, read));
        }
    }

    /** A second server whose Kubernetes API accepts connections and never answers (a 1 s timeout). */
    private Answer withKubernetesThatNeverAnswers(String token) throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new ArrayList<>();
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            ProxyConfig config = TestServers.config(Map.of("JUPYTERHUB_API_URL", HUB.apiUrl(),
                    "KBATCH_KUBERNETES_TIMEOUT_SECONDS", "1"));
            WebServer slow = Main.start(config, Main.Components.create(config,
                    KubernetesClients.forUrl("http://127.0.0.1:" + silent.getLocalPort() + "/",
                            java.time.Duration.ofSeconds(1))));
            try {
                return send(URI.create("http://127.0.0.1:" + slow.port()), "GET", "jobs/", token, null);
            } finally {
                slow.stop();
                acceptor.interrupt();
            }
        }
    }

    /** A second server whose hub refuses connections: an uncached token cannot be checked. */
    private Answer withHubDown() throws Exception {
        int closed = TestServers.freePort();
        ProxyConfig config = TestServers.config(Map.of("JUPYTERHUB_API_URL", "http://127.0.0.1:" + closed + "/hub/api"));
        WebServer orphan = Main.start(config, TestServers.parts(config));
        try {
            return send(URI.create("http://127.0.0.1:" + orphan.port()), "GET", "jobs/", "alice-token", null);
        } finally {
            orphan.stop();
        }
    }

    private static String job(String nameField, String parallelism) {
        return "{\"api_version\": \"batch/v1\", \"kind\": \"Job\", \"metadata\": {" + nameField + "},"
                + " \"spec\": {\"parallelism\": " + parallelism + ", \"template\": {\"spec\": {\"restart_policy\": \"Never\","
                + " \"containers\": [{\"name\": \"job\", \"image\": \"busybox:1.36\"}]}}}}";
    }

    private static String status(int code, String reason, String message) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.put("status", "Failure");
        status.put("code", code);
        status.put("reason", reason);
        status.put("message", message);
        return JSON.writeValueAsString(status);
    }

    private static JsonNode readContract() {
        return YAMLMapper.builder().build().readTree(Path.of("..", "openapi.yaml").toFile());
    }
}
