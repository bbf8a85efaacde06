package org.kbatch.proxy.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kbatch.proxy.Main;
import org.kbatch.proxy.config.ProxyConfig;
import org.kbatch.proxy.kube.KubernetesClients;
import org.kbatch.proxy.naming.UserNamespace;
import org.kbatch.proxy.testing.KbatchCli;
import org.kbatch.proxy.testing.TestServers;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.hamcrest.Matchers.hasItem;

/**
 * A real JupyterHub 3 ({@code ../shared/tools/jupyterhub}) checks the tokens, the real kbatch CLI calls the server
 * under the JupyterHub service prefix, and fabric8's CRUD mock is the Kubernetes API.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class RealJupyterHubEndToEndTest {

    private static final Path HUB_TOOL = Path.of("../../shared/tools/jupyterhub").toAbsolutePath().normalize();
    private static final Path HUB_DIR = Path.of("target/hub-e2e").toAbsolutePath();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    static KubernetesMockServer server;
    static KubernetesClient client;

    @TempDir
    static Path home;
    private static Map<String, String> hub;
    private static WebServer proxy;
    private static String url;
    private static KbatchCli cli;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(HUB_DIR);
        int port = TestServers.freePort();
        Process start = new ProcessBuilder(HUB_TOOL.toString(), "start", HUB_DIR.toString(), "--port", Integer.toString(port))
                .redirectErrorStream(true).start();
        String output = new String(start.getInputStream().readAllBytes());
        assertThat("jupyterhub start: " + output, start.waitFor(), is(0));
        hub = JSON.readValue(HUB_DIR.resolve("hub.json").toFile(), new TypeReference<Map<String, String>>() { });

        ProxyConfig config = TestServers.config(Map.of(
                "JUPYTERHUB_API_URL", hub.get("JUPYTERHUB_API_URL"),
                "JUPYTERHUB_API_TOKEN", hub.get("JUPYTERHUB_API_TOKEN"),
                "JUPYTERHUB_SERVICE_NAME", hub.get("JUPYTERHUB_SERVICE_NAME"),
                "JUPYTERHUB_SERVICE_PREFIX", "/services/kbatch/",
                "KBATCH_PROFILE_FILE", Path.of("src/test/resources/proxy/profiles.yaml").toString()));
        proxy = Main.start(config,
                Main.Components.create(config, KubernetesClients.forUrl(client.getMasterUrl().toString())));
        url = "http://127.0.0.1:" + proxy.port() + "/services/kbatch/";
        cli = new KbatchCli(home);
        Path code = Files.createDirectories(home.resolve("code"));
        Files.writeString(code.resolve("main.py"), "print('hi')\n");
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.stop();
        }
        new ProcessBuilder(HUB_TOOL.toString(), "stop", HUB_DIR.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
    }

    private static String token(String who) {
        return hub.get("HUB_" + who + "_TOKEN");
    }

    private static KbatchCli.Result as(String who, String... args) throws Exception {
        return as(cli, who, args);
    }

    private static KbatchCli.Result as(KbatchCli cli, String who, String... args) throws Exception {
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--kbatch-url";
        all[args.length + 1] = url;
        all[args.length + 2] = "--token";
        all[args.length + 3] = token(who);
        return cli.run(all);
    }

    @Test
    void usersSubmitAndSeeOnlyTheirOwnJobs() throws Exception {
        cli.run("configure", "--kbatch-url", url, "--token", token("ALICE")).ok();
        assertThat(cli.run("profiles").ok().stdout(), containsString("busybox:1.36-gpu"));

        String job = as("ALICE", "job", "submit", "--name", "hub-e2e", "--image", "busybox:1.36",
                "--command", "[\"sh\", \"-c\", \"python main.py\"]", "--code", home.resolve("code").toString(),
                "-o", "name").ok().stdout().strip();
        assertThat(job, startsWith("hub-e2e-"));
        assertThat(as("ALICE", "job", "list", "-o", "json").ok().stdout(), containsString(job));
        assertThat(as("BOB", "job", "list", "-o", "json").ok().stdout(), not(containsString(job)));
        KbatchCli.Result bobShows = as("BOB", "job", "show", job);
        assertThat(bobShows.status(), is(1));
        assertThat(bobShows.stderr(), containsString("kbatch-proxy error 404"));
        assertThat(client.batch().v1().jobs().inNamespace("kbatch-alice").withName(job).get().getSpec()
                .getTemplate().getSpec().getContainers().getFirst().getEnv().stream()
                .map(e -> e.getName()).toList(), hasItem("JUPYTERHUB_API_TOKEN"));
    }

    @Test
    void theReleasedClisPodLogsReadTheCallersOwnPodOnly() throws Exception {
        // kbatch 0.4.2's `pod logs POD` calls jobs/logs/POD/ (with ?stream=True for --stream).
        String pod = "hub-e2e-abcde-x1y2z";
        client.pods().inNamespace("kbatch-alice").resource(new io.fabric8.kubernetes.api.model.PodBuilder()
                .withNewMetadata().withName(pod).addToLabels("job-name", "hub-e2e-abcde").endMetadata().build()).create();
        server.expect().get().withPath("/api/v1/namespaces/kbatch-alice/pods/" + pod + "/log")
                .andReturn(200, "alice's line\n").always();
        KbatchCli released = new KbatchCli(Files.createDirectories(home.resolve("0.4.2")), "0.4.2");

        assertThat(as(released, "ALICE", "pod", "logs", pod).ok().stdout(), containsString("alice's line"));
        KbatchCli.Result bob = as(released, "BOB", "pod", "logs", pod);
        assertThat(bob.status(), is(1));
        assertThat(bob.stderr(), containsString("404 Not Found"));
        assertThat(bob.output(), not(containsString("alice's line")));
        // --stream prints the error body and exits 0 (the CLI does not check the status).
        KbatchCli.Result bobStreams = as(released, "BOB", "pod", "logs", pod, "--stream").ok();
        assertThat(bobStreams.stdout(), containsString("No pods found for job " + pod));
        assertThat(bobStreams.stdout(), not(containsString("alice's line")));
    }

    @Test
    void aUserWithoutTheScopeIsRefusedWith403AndABadTokenWith401() throws Exception {
        KbatchCli.Result carol = as("NOACCESS", "job", "list");
        assertThat(carol.status(), is(1));
        assertThat(carol.stderr(), containsString("kbatch-proxy error 403"));
        assertThat(carol.stderr(), containsString("Needs scope(s): access:services!service=kbatch"));
        KbatchCli.Result bad = cli.run("job", "list", "--kbatch-url", url, "--token", "not-a-valid-token");
        assertThat(bad.stderr(), containsString("kbatch-proxy error 401: Incorrect token"));
    }

    @Test
    void groupsComeFromTheHubAndOddNamesGetAValidNamespaceAndLabel() throws Exception {
        HttpResponse<String> dana = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "authorized"))
                .header("Authorization", "Bearer " + token("GROUP")).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode user = JSON.readTree(dana.body());
        assertThat(user.path("name").asString(), is(hub.get("HUB_GROUP_USER")));
        assertThat(user.path("groups").get(0).asString(), is("analysts"));

        String odd = hub.get("HUB_ODD_USER");
        String job = as("ODD", "job", "submit", "--name", "odd", "--image", "busybox:1.36",
                "--command", "[\"true\"]", "-o", "name").ok().stdout().strip();
        var created = client.batch().v1().jobs().inNamespace(UserNamespace.of(odd)).withName(job).get();
        assertThat(created.getMetadata().getAnnotations().get("kbatch.jupyter.org/username"), is(odd));
        assertThat(created.getMetadata().getLabels().get("kbatch.jupyter.org/username"),
                is(UserNamespace.of(odd).substring("kbatch-".length())));
    }
}
