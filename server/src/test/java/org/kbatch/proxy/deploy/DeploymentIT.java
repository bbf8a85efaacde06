package org.kbatch.proxy.deploy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.kbatch.proxy.testing.KbatchCli;
import org.kbatch.proxy.testing.RealCluster;
import org.kbatch.proxy.testing.RealCluster.Command;
import org.kbatch.proxy.testing.TestServers;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.notNullValue;

/**
 * The operator's path, for real: the image built from our Dockerfile, pushed to the test cluster's registry,
 * installed by our Helm chart ({@code helm install}, embedded Helm), Ready through the chart's own probes, running as
 * the chart's non-root user with a read-only root filesystem, talking to the API server with the chart's
 * ServiceAccount under exactly the chart's RBAC (enforced by the real authorizer), and a real JupyterHub checking the
 * tokens; then the real kbatch CLI through it ({@link CliScenario}). The same scenario runs first against the server
 * as a plain jar on the same cluster (admin kubeconfig), so a failure tells the code from the image and the chart.
 *
 * <p>Cluster: {@code ../shared/tools/k8s} (one per machine, shared by the run). The pods on it cannot reach the host,
 * so the test values (only here) run the proxy with {@code hostNetwork} and the API server's loopback address.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(RealCluster.Shared.class)
class DeploymentIT {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Path HUB_TOOL = REPO.resolve("../shared/tools/jupyterhub").normalize();
    private static final Path HUB_DIR = Path.of("target/hub-deploy").toAbsolutePath();
    private static final String RELEASE = "kbatch-proxy";
    private static final String RELEASE_NAMESPACE = "jhub";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final YAMLMapper YAML = YAMLMapper.builder().build();
    /** The admin template of both deployments: no retries, so a failing command fails the job at once. */
    private static final Map<String, Object> JOB_TEMPLATE = Map.of("spec", Map.of("backoffLimit", 0));

    private static RealCluster cluster;
    private static Map<String, String> hub;
    private static final List<String> REPORT = new ArrayList<>();

    @TempDir
    static Path work;

    @BeforeAll
    static void start(RealCluster sharedCluster) throws Exception {
        cluster = sharedCluster;
        Files.createDirectories(HUB_DIR);
        Command.run(Map.of(), 60, HUB_TOOL.toString(), "start", HUB_DIR.toString(), "--port",
                Integer.toString(TestServers.freePort())).ok();
        hub = JSON.readValue(HUB_DIR.resolve("hub.json").toFile(), new TypeReference<Map<String, String>>() { });
    }

    @AfterAll
    static void stop() throws Exception {
        Command.run(Map.of(), 60, HUB_TOOL.toString(), "stop", HUB_DIR.toString());
        System.out.println("=== DeploymentIT report ===\n" + String.join("\n", REPORT));
    }

    /** The server jar with the admin's kubeconfig: the code on the real cluster, without image or chart. */
    @Test
    @Order(1)
    void theCliWorksThroughThePlainJar() throws Exception {
        Path template = work.resolve("job-template.yaml");
        YAML.writeValue(template.toFile(), JOB_TEMPLATE);
        int port = TestServers.freePort();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of("target/kbatch-proxy.jar").toAbsolutePath().toString());
        pb.environment().keySet().removeIf(k -> k.startsWith("KBATCH_") || k.startsWith("JUPYTERHUB_"));
        pb.environment().putAll(Map.of(
                "KUBECONFIG", cluster.kubeconfig().toString(),
                "JUPYTERHUB_API_URL", hub.get("JUPYTERHUB_API_URL"),
                "JUPYTERHUB_API_TOKEN", hub.get("JUPYTERHUB_API_TOKEN"),
                "KBATCH_HOST", "127.0.0.1",
                "KBATCH_PORT", Integer.toString(port),
                "KBATCH_JOB_TEMPLATE_FILE", template.toString()));
        Path log = work.resolve("jar.log");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process jar = pb.start();
        try {
            String url = "http://127.0.0.1:" + port + "/";
            awaitAnswer(url, Duration.ofSeconds(60), () -> "the jar did not start: " + Files.readString(log));
            List<String> steps = new CliScenario(new KbatchCli(Files.createDirectories(work.resolve("jar-cli"))),
                    cluster.admin(), url, hub.get("HUB_BOB_TOKEN"), "kbatch-bob").run();
            REPORT.add("The CLI through the plain jar (user bob):");
            REPORT.addAll(steps);
        } finally {
            jar.destroy();
            jar.waitFor(20, TimeUnit.SECONDS);
        }
    }

    /** The image, installed by the chart, under the chart's RBAC: the operator's path. */
    @Test
    @Order(2)
    void theCliWorksThroughTheImageInstalledByTheChart() throws Exception {
        String registry = cluster.get("K8S_REGISTRY");
        String built = buildAndPushImage(registry + "/kbatch-proxy:test");
        REPORT.add("Image: " + built);

        int port = TestServers.freePort();
        Map<String, Object> app = new LinkedHashMap<>();
        app.put("jupyterhub_api_url", hub.get("JUPYTERHUB_API_URL"));
        app.put("jupyterhub_api_token", hub.get("JUPYTERHUB_API_TOKEN"));
        app.put("port", port);
        app.put("job_template", JOB_TEMPLATE);
        // Exercised so that their RBAC rules are proven too: a pod-count quota and default requests per namespace.
        app.put("user_resource_quota", Map.of("apiVersion", "v1", "kind", "ResourceQuota",
                "spec", Map.of("hard", Map.of("pods", "20"))));
        app.put("user_limit_range", Map.of("apiVersion", "v1", "kind", "LimitRange", "spec", Map.of("limits",
                List.of(Map.of("type", "Container", "defaultRequest", Map.of("cpu", "50m", "memory", "32Mi"))))));
        // And the empty-namespace cleanup (list, patch, delete namespaces), quick here: 20 s empty, swept every 10 s.
        app.put("delete_empty_namespaces_after", "20");
        // Test only: this cluster's pods reach the hub and the API server on the host's loopback only.
        app.put("extra_env", Map.of("KUBERNETES_SERVICE_HOST", "127.0.0.1",
                "KUBERNETES_SERVICE_PORT", cluster.get("K8S_API_PORT")));
        Map<String, Object> values = Map.of(
                "image", Map.of("repository", registry + "/kbatch-proxy", "tag", "test"),
                "hostNetwork", true,
                "app", app);
        Path valuesFile = work.resolve("test-values.yaml");
        YAML.writeValue(valuesFile.toFile(), values);

        // helm install kbatch-proxy helm/kbatch-proxy -n jhub --create-namespace -f test-values.yaml --wait
        new Helm(REPO.resolve("helm/kbatch-proxy")).install().withName(RELEASE).withNamespace(RELEASE_NAMESPACE)
                .createNamespace().withKubeConfig(cluster.kubeconfig()).withValuesFile(valuesFile)
                .waitReady().withTimeout(240).call();

        Pod pod = cluster.admin().pods().inNamespace(RELEASE_NAMESPACE)
                .withLabel("app.kubernetes.io/instance", RELEASE).list().getItems().getFirst();
        String podName = pod.getMetadata().getName();
        assertThat(pod.getStatus().getConditions().stream().filter(c -> c.getType().equals("Ready"))
                .map(c -> c.getStatus()).toList(), contains("True"));
        assertThat(pod.getSpec().getServiceAccountName(), is("kbatch-proxy"));
        var securityContext = pod.getSpec().getContainers().getFirst().getSecurityContext();
        assertThat(securityContext.getReadOnlyRootFilesystem(), is(true));
        assertThat(securityContext.getRunAsNonRoot(), is(true));
        // What the container really runs as and may write, asked inside it.
        String uid = cluster.kubectl("-n", RELEASE_NAMESPACE, "exec", podName, "--", "id", "-u").ok().output().strip();
        assertThat(uid, is("10001"));
        Command.Result write = cluster.kubectl("-n", RELEASE_NAMESPACE, "exec", podName, "--", "sh", "-c",
                "touch /app/written");
        assertThat(write.status(), not(is(0)));
        assertThat(write.output(), containsString("Read-only file system"));
        REPORT.add("kubectl -n jhub get pod " + podName + " -o jsonpath=<serviceAccountName, securityContexts>:");
        REPORT.add("    " + cluster.kubectl("-n", RELEASE_NAMESPACE, "get", "pod", podName, "-o",
                "jsonpath=serviceAccountName={.spec.serviceAccountName} pod={.spec.securityContext}"
                        + " container={.spec.containers[0].securityContext}").ok().output().strip());
        REPORT.add("    in the container: id -u = " + uid + "; touch /app/written: " + write.output().strip()
                .replace("\n", " "));

        // The image's AppCDS archive maps (-Xshare:on fails otherwise) and holds the server's classes; a second server
        // in the pod cannot bind the port the first one holds, and says so.
        Command.Result cds = cluster.kubectl("-n", RELEASE_NAMESPACE, "exec", podName, "--", "sh", "-c",
                "JAVA_TOOL_OPTIONS= java -Xshare:on -XX:SharedArchiveFile=/app/kbatch-proxy.jsa -Xmx48m"
                        + " -XX:TieredStopAtLevel=1 -Xlog:class+load=info -jar /app/kbatch-proxy.jar 2>&1"
                        + " | grep -E 'org.kbatch.proxy.Main |kbatch-proxy: '");
        assertThat(cds.output(), containsString("org.kbatch.proxy.Main source: shared objects file"));
        assertThat(cds.output(), containsString("kbatch-proxy: cannot listen on 0.0.0.0:" + port));
        REPORT.add("In the pod, a second server with -Xshare:on: " + cds.output().strip().replace("\n", " | "));

        REPORT.add("The RBAC it ran under (kubectl describe clusterrole " + RELEASE + "; bound to jhub:kbatch-proxy):");
        REPORT.add(cluster.kubectl("describe", "clusterrole", RELEASE).ok().output().stripTrailing());
        String canReadSecrets = cluster.kubectl("auth", "can-i", "get", "secrets", "-n", "kbatch-alice",
                "--as=system:serviceaccount:jhub:kbatch-proxy").output().strip();
        assertThat("the proxy cannot read users' Secrets", canReadSecrets, is("no"));

        String url = "http://127.0.0.1:" + port + "/";
        List<String> steps = new CliScenario(new KbatchCli(Files.createDirectories(work.resolve("chart-cli"))),
                cluster.admin(), url, hub.get("HUB_ALICE_TOKEN"), "kbatch-alice").run();
        REPORT.add("The CLI through the chart's pod (user alice):");
        REPORT.addAll(steps);
        List<String> features = new JobFeaturesScenario(new KbatchCli(Files.createDirectories(
                work.resolve("features-cli"))), cluster.admin(), url, hub.get("HUB_ALICE_TOKEN"), "kbatch-alice").run();
        REPORT.add("Job reports, waiting, 5 MiB of code and cronjob triggers through the chart's pod (user alice):");
        REPORT.addAll(features);
        Files.writeString(Path.of("target/job-features.md"), String.join("\n", features) + "\n");
        assertThat("the quota was created in the user's namespace", cluster.admin().resourceQuotas()
                .inNamespace("kbatch-alice").withName("kbatch-user-quota").get(), notNullValue());
        // Everything of alice's is deleted: the namespace the proxy created is removed once it was empty for 20 s.
        long emptySince = System.nanoTime();
        long deadline = emptySince + TimeUnit.SECONDS.toNanos(120);
        while (cluster.admin().namespaces().withName("kbatch-alice").get() != null) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the empty namespace kbatch-alice was not cleaned up: "
                        + cluster.admin().namespaces().withName("kbatch-alice").get().getMetadata());
            }
            Thread.sleep(1000);
        }
        REPORT.add("  ok  the empty namespace kbatch-alice was deleted "
                + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - emptySince) + " s after the last job's delete");

        theProxysOwnMissingPermissionIsTheDeploymentsFault(url, podName);
    }

    /**
     * The chart upgraded to one namespace for every user's jobs ({@code app.job_namespace}, no namespace created):
     * its RBAC is then a Role in that namespace only, and the same scenario works under it.
     */
    @Test
    @Order(3)
    void theCliWorksInASharedNamespaceUnderTheChartsRole() throws Exception {
        String shared = "kbatch-shared";
        cluster.kubectl("create", "namespace", shared).ok();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (cluster.admin().serviceAccounts().inNamespace(shared).withName("default").get() == null) {
            assertThat("the namespace's default ServiceAccount", System.nanoTime() < deadline, is(true));
            Thread.sleep(500);
        }
        String registry = cluster.get("K8S_REGISTRY");
        int port = TestServers.freePort(); // a new port: with hostNetwork the old pod holds the first until the new one is Ready
        Map<String, Object> app = new LinkedHashMap<>();
        app.put("jupyterhub_api_url", hub.get("JUPYTERHUB_API_URL"));
        app.put("jupyterhub_api_token", hub.get("JUPYTERHUB_API_TOKEN"));
        app.put("port", port);
        app.put("job_template", JOB_TEMPLATE);
        app.put("create_user_namespace", false);
        app.put("job_namespace", shared);
        app.put("extra_env", Map.of("KUBERNETES_SERVICE_HOST", "127.0.0.1",
                "KUBERNETES_SERVICE_PORT", cluster.get("K8S_API_PORT")));
        Path valuesFile = work.resolve("shared-values.yaml");
        YAML.writeValue(valuesFile.toFile(), Map.of(
                "image", Map.of("repository", registry + "/kbatch-proxy", "tag", "test"),
                "hostNetwork", true,
                "app", app));
        new Helm(REPO.resolve("helm/kbatch-proxy")).upgrade().withName(RELEASE).withNamespace(RELEASE_NAMESPACE)
                .withKubeConfig(cluster.kubeconfig()).withValuesFile(valuesFile).waitReady().withTimeout(240).call();

        assertThat("no ClusterRole in this mode", cluster.admin().rbac().clusterRoles().withName(RELEASE).get(),
                is((Object) null));
        var role = cluster.admin().rbac().roles().inNamespace(shared).withName(RELEASE).get();
        REPORT.add("Upgraded to job_namespace " + shared + ": Role " + RELEASE + " in " + shared + ":");
        for (PolicyRule rule : role.getRules()) {
            REPORT.add("    " + rule.getApiGroups() + " " + rule.getResources() + " " + rule.getVerbs());
        }
        String url = "http://127.0.0.1:" + port + "/";
        List<String> steps = new CliScenario(new KbatchCli(Files.createDirectories(work.resolve("shared-cli"))),
                cluster.admin(), url, hub.get("HUB_ALICE_TOKEN"), shared).inSharedNamespace().run();
        REPORT.add("The CLI in the shared namespace (user alice):");
        REPORT.addAll(steps);
        // Bob, in the same namespace, neither sees nor reaches alice's job (isolation by the username label).
        KbatchCli alice = new KbatchCli(work.resolve("shared-cli"));
        String hers = JSON.readTree(alice.run("job", "submit", "--name", "hers", "--image", "busybox:1.36",
                "--command", "[\"true\"]", "-o", "json").ok().stdout()).at("/metadata/name").asString();
        KbatchCli bob = new KbatchCli(Files.createDirectories(work.resolve("shared-bob")));
        bob.run("configure", "--kbatch-url", url, "--token", hub.get("HUB_BOB_TOKEN")).ok();
        assertThat(bob.run("job", "list", "-o", "json").ok().stdout(), not(containsString(hers)));
        KbatchCli.Result show = bob.run("job", "show", hers);
        assertThat(show.status(), is(1));
        assertThat(show.stderr(), containsString("404"));
        assertThat(bob.run("job", "delete", hers).status(), is(1));
        alice.run("job", "delete", hers).ok();
        REPORT.add("  ok  bob, in the same namespace: alice's " + hers + " is not in his list, show and delete are 404");
    }

    /**
     * The chart upgraded to the home-directory recipe (jobs in the hub's namespace, the template mounting
     * {@code claim-{escaped_username}}) and the operator's rules: a job reads its user's home and not another's, and
     * each refusal as the released CLI prints it ({@code target/operator-rules.md}).
     */
    @Test
    @Order(4)
    void homesAndTheOperatorsRulesUnderTheChart() throws Exception {
        int port = TestServers.freePort();
        Map<String, Object> app = new LinkedHashMap<>();
        app.put("jupyterhub_api_url", hub.get("JUPYTERHUB_API_URL"));
        app.put("jupyterhub_api_token", hub.get("JUPYTERHUB_API_TOKEN"));
        app.put("port", port);
        app.put("job_template", HomesAndRulesScenario.HOME_TEMPLATE);
        app.put("profiles", Map.of("huge", Map.of("image", "busybox:1.36",
                "resources", Map.of("limits", Map.of("memory", "2Gi")))));
        app.put("create_user_namespace", false);
        app.put("job_namespace", RELEASE_NAMESPACE);
        app.put("allowed_images", List.of("busybox:*"));
        app.put("max_active_jobs", 2);
        app.put("max_cronjobs", 1);
        app.put("max_container_resources", Map.of("memory", "1Gi"));
        app.put("default_active_deadline_seconds", 600);
        app.put("max_active_deadline_seconds", 3600);
        app.put("extra_env", Map.of("KUBERNETES_SERVICE_HOST", "127.0.0.1",
                "KUBERNETES_SERVICE_PORT", cluster.get("K8S_API_PORT")));
        Path valuesFile = work.resolve("homes-values.yaml");
        YAML.writeValue(valuesFile.toFile(), Map.of(
                "image", Map.of("repository", cluster.get("K8S_REGISTRY") + "/kbatch-proxy", "tag", "test"),
                "hostNetwork", true,
                "app", app));
        new Helm(REPO.resolve("helm/kbatch-proxy")).upgrade().withName(RELEASE).withNamespace(RELEASE_NAMESPACE)
                .withKubeConfig(cluster.kubeconfig()).withValuesFile(valuesFile).waitReady().withTimeout(240).call();

        String url = "http://127.0.0.1:" + port + "/";
        HomesAndRulesScenario scenario = new HomesAndRulesScenario(cluster.admin(), RELEASE_NAMESPACE, url, work);
        List<String> homes = scenario.homes(hub.get("HUB_ALICE_TOKEN"), hub.get("HUB_BOB_TOKEN"));
        REPORT.add("Home directories in the hub's namespace " + RELEASE_NAMESPACE + " (claim-{escaped_username}):");
        REPORT.addAll(homes);
        List<String> all = scenario.refusals(hub.get("HUB_ALICE_TOKEN"));
        REPORT.add("The operator's rules as the CLI prints their refusals:");
        REPORT.addAll(all.subList(homes.size(), all.size()));
        Files.writeString(Path.of("target/operator-rules.md"), String.join("\n", all) + "\n");
    }

    /**
     * A rule taken out of the chart's ClusterRole: the user's request that needs it is a 500 that names the missing
     * permission, not the proxy's identity, and the proxy's log has Kubernetes' own words for the operator.
     */
    private static void theProxysOwnMissingPermissionIsTheDeploymentsFault(String url, String podName)
            throws Exception {
        ClusterRole role = cluster.admin().rbac().clusterRoles().withName(RELEASE).get();
        role.getRules().removeIf(r -> r.getResources().equals(List.of("pods")));
        cluster.admin().rbac().clusterRoles().resource(role).update();

        HttpClient http = HttpClient.newHttpClient();
        HttpRequest events = HttpRequest.newBuilder(URI.create(url + "pods/"))
                .header("Authorization", "token " + hub.get("HUB_ALICE_TOKEN")).build();
        HttpResponse<String> answer = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            answer = http.send(events, HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() == 500) {
                break;
            }
            Thread.sleep(500);
        }
        assertThat(answer.body(), answer.statusCode(), is(500));
        assertThat(answer.body(), containsString("The proxy is not allowed to list pods in namespace kbatch-alice"));
        assertThat(answer.body(), not(containsString("system:serviceaccount")));
        String log = cluster.kubectl("-n", RELEASE_NAMESPACE, "logs", podName).ok().output();
        assertThat(log, containsString("User \"system:serviceaccount:jhub:kbatch-proxy\" cannot list resource"
                + " \"pods\""));
        REPORT.add("Without the pods rule: GET pods/ answers " + answer.statusCode() + " " + answer.body());
    }

    /** {@code .ci/build-image} (buildah, the unchanged Dockerfile) and a push to the cluster's registry. */
    private static String buildAndPushImage(String target) throws Exception {
        Command.Result build = Command.run(Map.of("KBATCH_IMAGE_MAVEN_CACHE",
                        Path.of(System.getProperty("user.home"), ".m2").toString()), 1200,
                REPO.resolve(".ci/build-image").toString(), "localhost/kbatch-proxy:test");
        if (build.status() != 0) {
            // The cause is at the end (a failed step, a full disk); reports cut long messages short.
            List<String> lines = build.output().lines().toList();
            throw new AssertionError(".ci/build-image failed (status " + build.status() + "), its last lines:\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size())));
        }
        Command.run(Map.of(), 300, "buildah", "--storage-driver", "vfs", "push", "--tls-verify=false", "--quiet",
                "localhost/kbatch-proxy:test", "docker://" + target).ok();
        return build.output().lines().filter(l -> l.startsWith(".ci/build-image:")).map(String::strip)
                .reduce((a, b) -> a + "; " + b).orElse("") + "; pushed to " + target;
    }

    private static void awaitAnswer(String url, Duration timeout, java.util.concurrent.Callable<String> why)
            throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // starting
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(why.call());
            }
            Thread.sleep(250);
        }
    }
}
