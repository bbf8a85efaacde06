package org.kbatch.proxy.helm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kbatch.proxy.config.ProxyConfig;
import org.kbatch.proxy.kube.KubernetesPermissions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kbatch.proxy.helm.RenderedChart.FULL_VALUES;
import static org.kbatch.proxy.helm.RenderedChart.NAMESPACE;

/**
 * The Helm chart in {@code helm/kbatch-proxy}: it lints, and what it renders with the default values and with a values
 * file that sets every value ({@code helm/full-values.yaml}) is what the proxy needs to run.
 */
class HelmChartTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CONFIG_CHECKSUM = "checksum/config";

    private static RenderedChart defaults;
    private static RenderedChart full;
    private static JsonNode fullValues;

    @BeforeAll
    static void render() {
        defaults = RenderedChart.template(t -> t);
        full = RenderedChart.template(t -> t.withValuesFile(FULL_VALUES));
        fullValues = RenderedChart.readYaml(FULL_VALUES);
    }

    // --- lint ---

    @Test
    void lintsWithTheDefaultValues() {
        LintResult result = new Helm(RenderedChart.CHART).lint().strict().call();
        assertFalse(result.isFailed(), "helm lint --strict: " + result.getMessages());
    }

    /** helm-java's lint takes no values file: lint a copy whose values.yaml is the defaults merged with the file. */
    @Test
    void lintsWithEveryValueSet(@TempDir Path dir) throws Exception {
        Path chart = RenderedChart.copyChart(dir);
        JsonNode merged = RenderedChart.mergeValues(RenderedChart.readYaml(chart.resolve("values.yaml")), fullValues);
        Files.writeString(chart.resolve("values.yaml"), RenderedChart.YAML.writeValueAsString(merged));

        LintResult result = new Helm(chart).lint().strict().call();
        assertFalse(result.isFailed(), "helm lint --strict with full values: " + result.getMessages());
    }

    /** The full values file sets every value of the chart (and nothing else): a typo there is a failure here. */
    @Test
    void theFullValuesFileSetsEveryValueOfTheChart() {
        Set<String> chartValues = settable(RenderedChart.readYaml(RenderedChart.CHART.resolve("values.yaml")));
        Set<String> set = settable(fullValues);
        Set<String> unknown = new TreeSet<>(set);
        unknown.removeAll(chartValues);
        Set<String> unset = new TreeSet<>(chartValues);
        unset.removeAll(set);
        assertAll(
                () -> assertEquals(Set.of(), unknown, "full-values.yaml sets keys that values.yaml does not have"),
                () -> assertEquals(Set.of(), unset, "full-values.yaml leaves values of values.yaml unset"));
    }

    // --- RBAC ---

    @Test
    void withTheDefaultValuesTheClusterRoleIsExactlyWhatTheCodeNeeds() {
        assertGrantsExactly(KubernetesPermissions.required(true, false, false), defaults.one("ClusterRole"),
                "the default ClusterRole");
        assertTrue(defaults.all("Role").isEmpty() && defaults.all("RoleBinding").isEmpty(), "no Roles by default");
    }

    /** The full values choose every namespace but clean up: a ClusterRole, with quotas and cleanup, no create. */
    @Test
    void withEveryValueSetTheClusterRoleAddsQuotasAndCleanup() {
        assertGrantsExactly(KubernetesPermissions.required(false, true, true), full.one("ClusterRole"),
                "the ClusterRole of the full values");
        assertTrue(full.all("Role").isEmpty(), "no Roles: the cleanup lists namespaces cluster-wide");
    }

    /** Each optional feature adds its rules, and only those: checked one by one against the code's list. */
    @Test
    void theClusterRoleFollowsTheFeatures() {
        record Case(String what, UnaryOperator<TemplateCommand> values, List<KubernetesPermissions.Rule> rules) {
        }
        List<Case> cases = List.of(
                new Case("namespace creation and cleanup, merged", t -> t
                        .set("app.delete_empty_namespaces_after", "24h"),
                        KubernetesPermissions.required(true, false, false, true)),
                new Case("cleanup without namespace creation", t -> t
                        .set("app.create_user_namespace", false)
                        .set("app.delete_empty_namespaces_after", "86400"),
                        KubernetesPermissions.required(false, false, false, true)),
                new Case("neither: no namespaces rule at all", t -> t
                        .set("app.create_user_namespace", false),
                        KubernetesPermissions.required(false, false, false, false)),
                new Case("a quota only", t -> t
                        .set("app.user_resource_quota.kind", "ResourceQuota")
                        .set("app.user_resource_quota.spec.hard.pods", "10"),
                        KubernetesPermissions.required(true, true, false, false)),
                new Case("a limit range only", t -> t
                        .set("app.user_limit_range.kind", "LimitRange"),
                        KubernetesPermissions.required(true, false, true, false)),
                new Case("groups with the fallback 'user': per-user namespaces remain", t -> t
                        .set("app.create_user_namespace", false)
                        .set("app.namespace_by_group.physics", "kbatch-physics"),
                        KubernetesPermissions.required(false, false, false, false)),
                new Case("a shared namespace, but the proxy may create namespaces", t -> t
                        .set("app.job_namespace", "kbatch-shared"),
                        KubernetesPermissions.required(true, false, false, false)));
        for (Case c : cases) {
            RenderedChart chart = RenderedChart.template(c.values());
            assertGrantsExactly(c.rules(), chart.one("ClusterRole"), c.what());
            assertTrue(chart.all("Role").isEmpty(), c.what() + ": no Roles");
            assertBinding(chart, "kbatch-proxy");
        }
    }

    /**
     * Only admin-chosen namespaces, none created or cleaned up: a Role and a RoleBinding in each distinct namespace,
     * with exactly what every configuration needs (no namespace permission), and nothing cluster-wide.
     */
    @Test
    void withOnlyAdminChosenNamespacesTheRbacIsARoleInEach() {
        RenderedChart chart = RenderedChart.template(t -> t
                .set("app.create_user_namespace", false)
                .set("app.job_namespace", "kbatch-shared")
                .set("app.namespace_by_group.physics", "kbatch-physics")
                .set("app.namespace_by_group.chemistry", "kbatch-physics")
                .set("app.namespace_by_group.biology", "kbatch-shared")
                .set("app.namespace_by_group.maths", "kbatch-maths")
                .set("app.namespace_by_group_fallback", "deny")
                // quotas only go to per-user namespaces, of which there are none here
                .set("app.user_resource_quota.kind", "ResourceQuota"));
        assertRolesIn(chart, "kbatch-proxy", Set.of("kbatch-shared", "kbatch-physics", "kbatch-maths"));
    }

    @Test
    void aRoleAlsoForOneSharedNamespaceOrForGroupsWithTheFallbackDeny() {
        assertRolesIn(RenderedChart.template(t -> t
                .set("app.create_user_namespace", false)
                .set("app.job_namespace", "kbatch-shared")), "kbatch-proxy", Set.of("kbatch-shared"));
        assertRolesIn(RenderedChart.template(t -> t
                .set("app.create_user_namespace", false)
                .set("app.namespace_by_group.physics", "kbatch-physics")
                .set("app.namespace_by_group.maths", "kbatch-maths")
                .set("app.namespace_by_group_fallback", "deny")
                .set("serviceAccount.name", "batch-sa")), "batch-sa", Set.of("kbatch-physics", "kbatch-maths"));
    }

    @Test
    void theRuleSetsNameEachResourceOnceWithoutDuplicateVerbs() {
        for (int features = 0; features < 16; features++) {
            List<KubernetesPermissions.Rule> rules = KubernetesPermissions.required((features & 1) != 0,
                    (features & 2) != 0, (features & 4) != 0, (features & 8) != 0);
            Set<String> resources = new TreeSet<>();
            for (KubernetesPermissions.Rule rule : rules) {
                assertTrue(resources.add(rule.apiGroup() + "/" + rule.resource()), "listed twice: " + rule);
                assertEquals(Set.copyOf(rule.verbs()).size(), rule.verbs().size(), "duplicate verbs: " + rule);
                assertFalse(rule.verbs().isEmpty(), "no verbs: " + rule);
            }
            assertTrue(permissions(rules).containsAll(permissions(KubernetesPermissions.ALWAYS)),
                    "every set holds what every configuration needs: " + rules);
        }
        assertEquals(KubernetesPermissions.required(false, true, true, true),
                KubernetesPermissions.required(false, true, true));
        assertEquals(KubernetesPermissions.ALWAYS, KubernetesPermissions.required(false, false, false));
        assertEquals(List.of("create", "list", "patch", "delete"), KubernetesPermissions.required(true, false, true)
                .getFirst().verbs(), "one namespaces rule when creation and cleanup both apply");
    }

    @Test
    void theRoleIsBoundToTheChartsServiceAccount() {
        assertBinding(defaults, "kbatch-proxy");
        assertBinding(full, fullValues.at("/serviceAccount/name").asString());
    }

    @Test
    void noRbacWhenRbacCreateIsFalse() {
        RenderedChart chart = RenderedChart.template(t -> t.set("rbac.create", false));
        for (String kind : List.of("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding")) {
            assertEquals(List.of(), chart.all(kind), kind + " rendered with rbac.create=false");
        }
        assertTrue(chart.find("Deployment").isPresent(), "the proxy itself is still rendered");
        assertTrue(chart.find("ServiceAccount").isPresent(), "the service account is still rendered");
    }

    // --- the Deployment ---

    @Test
    void probesAskTheHealthEndpointsOnTheContainerPort() {
        for (RenderedChart chart : List.of(defaults, full)) {
            JsonNode container = chart.container();
            JsonNode port = container.path("ports").get(0);
            int expected = chart == full ? 9090 : 8080;
            assertAll(
                    () -> assertEquals("http", port.path("name").asString()),
                    () -> assertEquals(expected, port.path("containerPort").asInt()),
                    () -> assertEquals(Integer.toString(expected), chart.envValue("KBATCH_PORT"),
                            "the server listens where probed"),
                    () -> assertProbe(container, "livenessProbe", "/observe/health/live"),
                    () -> assertProbe(container, "readinessProbe", "/observe/health/ready"),
                    () -> assertProbe(container, "startupProbe", "/observe/health/live"));
        }
    }

    @Test
    void theServiceSendsItsPortToTheContainerPort() {
        JsonNode port = defaults.one("Service").at("/spec/ports/0");
        assertEquals(80, port.path("port").asInt());
        assertEquals("http", port.path("targetPort").asString());
        assertEquals(fullValues.at("/service/port").asInt(), full.one("Service").at("/spec/ports/0/port").asInt());
        assertEquals(defaults.one("Deployment").at("/spec/selector/matchLabels"),
                defaults.one("Service").at("/spec/selector"));
    }

    @Test
    void runsAsNonRootOnAReadOnlyFilesystemWithoutCapabilities() {
        JsonNode pod = defaults.podSpec().path("securityContext");
        JsonNode container = defaults.container().path("securityContext");
        assertAll(
                () -> assertTrue(pod.path("runAsNonRoot").asBoolean(), "pod runAsNonRoot"),
                () -> assertEquals(10001, pod.path("runAsUser").asInt(), "the image's UID"),
                () -> assertEquals("RuntimeDefault", pod.at("/seccompProfile/type").asString()),
                () -> assertTrue(container.path("runAsNonRoot").asBoolean(), "container runAsNonRoot"),
                () -> assertEquals(10001, container.path("runAsUser").asInt()),
                () -> assertFalse(container.path("allowPrivilegeEscalation").asBoolean(true), "no privilege escalation"),
                () -> assertTrue(container.path("readOnlyRootFilesystem").asBoolean(), "read-only root filesystem"),
                () -> assertEquals(List.of("ALL"), strings(container.at("/capabilities/drop"))),
                () -> assertFalse(container.at("/capabilities").has("add"), "no capability added"),
                () -> assertEquals("RuntimeDefault", container.at("/seccompProfile/type").asString()),
                () -> assertTrue(defaults.volume(defaults.mountAt("/tmp").path("name").asString()).has("emptyDir"),
                        "a writable /tmp"));
        assertEquals(20002, full.podSpec().at("/securityContext/runAsUser").asInt(), "podSecurityContext is a value");
        assertEquals(20002, full.container().at("/securityContext/runAsUser").asInt(), "securityContext is a value");
    }

    /**
     * The default JVM options fit the default memory limit: the collector is named (the serial one, which the JVM
     * would pick in a small container anyway, but not in one of 1792 MB or more), the heap is a share of the limit
     * that leaves room for what the JVM needs besides it (about 150 MiB measured under load, bench/README.md), and
     * metaspace and code cache are capped. The bench (bench/src/ServerProcess.java) starts the server with exactly
     * these options.
     */
    @Test
    void defaultJvmOptionsFitTheMemoryLimit() {
        String options = defaults.envValue("JAVA_TOOL_OPTIONS");
        long limitMiB = chartLimitMiB();
        long heapMiB = limitMiB * heapPercentage(options) / 100;
        assertAll(
                () -> assertTrue(options.contains("-XX:+UseSerialGC"), options),
                () -> assertTrue(options.contains("-XX:MaxMetaspaceSize="), options),
                () -> assertTrue(options.contains("-XX:ReservedCodeCacheSize="), options),
                () -> assertTrue(limitMiB - heapMiB >= 192, "room besides a heap of " + heapMiB + " MiB in " + limitMiB + "Mi"),
                () -> assertTrue(heapMiB >= 96, "a heap of " + heapMiB + " MiB"));
    }

    /**
     * The heap the JVM really gives with the chart's options in a pod of the chart's limit: a share the options name
     * is not the share the JVM takes (below ~500 MiB it used MinRAMPercentage, 50% by default, or 126 MiB). Asked of
     * this test's own JVM, with the limit as {@code -XX:MaxRAM} (what the JVM reads from the pod's cgroup).
     */
    @Test
    void heapIsTheShareOfTheLimitTheOptionsSay() throws Exception {
        String options = defaults.envValue("JAVA_TOOL_OPTIONS");
        long limitMiB = chartLimitMiB();
        List<String> command = new java.util.ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"), "-XX:MaxRAM=" + limitMiB + "m"));
        command.addAll(List.of(options.trim().split("\\s+")));
        command.addAll(List.of("-XX:+PrintFlagsFinal", "-version"));
        Process jvm = new ProcessBuilder(command).redirectErrorStream(true).start();
        String flags = new String(jvm.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, jvm.waitFor(), flags);
        java.util.regex.Matcher maxHeap = java.util.regex.Pattern.compile("\\bMaxHeapSize\\s+=\\s+(\\d+)").matcher(flags);
        assertTrue(maxHeap.find(), flags);
        long heapMiB = Long.parseLong(maxHeap.group(1)) >> 20;
        assertEquals(limitMiB * heapPercentage(options) / 100, heapMiB,
                "MiB of heap the JVM takes with " + options + " in " + limitMiB + "Mi");
    }

    /** The chart's default memory limit of the proxy's container, in MiB (it is written in Mi). */
    private static long chartLimitMiB() {
        String limit = defaults.container().at("/resources/limits/memory").asString();
        assertTrue(limit.endsWith("Mi"), "a limit in Mi: " + limit);
        return Long.parseLong(limit.substring(0, limit.length() - 2));
    }

    /** The heap's share of the limit that JVM options name ({@code -XX:MaxRAMPercentage}). */
    private static long heapPercentage(String options) {
        java.util.regex.Matcher percentage = java.util.regex.Pattern.compile("-XX:MaxRAMPercentage=(\\d+)").matcher(options);
        assertTrue(percentage.find(), "a heap share of the limit: " + options);
        return Long.parseLong(percentage.group(1));
    }

    @Test
    void requestsResources() {
        JsonNode resources = defaults.container().path("resources");
        assertFalse(resources.at("/requests/cpu").asString().isEmpty(), "a CPU request: " + resources);
        assertFalse(resources.at("/requests/memory").asString().isEmpty(), "a memory request: " + resources);
        assertEquals(fullValues.path("resources"), full.container().path("resources"));
    }

    @Test
    void imageAndPodPlacementComeFromTheValues() {
        JsonNode pod = full.podSpec();
        assertAll(
                () -> assertEquals("kbatch-proxy:0.1.0", defaults.container().path("image").asString(),
                        "the chart's appVersion by default"),
                () -> assertEquals("registry.example.org/kbatch/kbatch-proxy:1.2.3",
                        full.container().path("image").asString()),
                () -> assertEquals("Always", full.container().path("imagePullPolicy").asString()),
                () -> assertEquals(fullValues.path("imagePullSecrets"), pod.path("imagePullSecrets")),
                () -> assertEquals(fullValues.path("nodeSelector"), pod.path("nodeSelector")),
                () -> assertEquals(fullValues.path("tolerations"), pod.path("tolerations")),
                () -> assertEquals(fullValues.path("affinity"), pod.path("affinity")),
                () -> assertEquals("kbatch-sa", pod.path("serviceAccountName").asString()),
                () -> assertEquals("true", full.one("Deployment")
                        .at("/spec/template/metadata/annotations/prometheus.io~1scrape").asString()),
                () -> assertEquals("platform", full.one("Deployment")
                        .at("/spec/template/metadata/labels/team").asString()),
                () -> assertEquals("true", defaults.one("Deployment")
                        .at("/spec/template/metadata/labels/hub.jupyter.org~1network-access-hub").asString(),
                        "z2jh's network policy lets the pods reach the hub"));
    }

    // --- the proxy's settings ---

    @Test
    void defaultSettings() {
        assertAll(
                () -> assertEquals("http://hub:8081/hub/api", defaults.envValue("JUPYTERHUB_API_URL")),
                () -> assertEquals("", defaults.envValue("JUPYTERHUB_SERVICE_PREFIX")),
                () -> assertEquals("3600", defaults.envValue("KBATCH_JOB_TTL_SECONDS_AFTER_FINISHED")),
                () -> assertEquals("baseline", defaults.envValue("KBATCH_POD_SECURITY")),
                () -> assertEquals(JSON.createObjectNode(), JSON.readTree(defaults.envValue("KBATCH_JOB_EXTRA_ENV"))),
                () -> assertFalse(defaults.envEntry("KBATCH_JOB_TEMPLATE_FILE").isPresent(), "no template, no file"),
                () -> assertFalse(defaults.envEntry("KBATCH_PROFILE_FILE").isPresent(), "no profiles, no file"),
                () -> assertEquals("true", defaults.envValue("KBATCH_CREATE_USER_NAMESPACE")),
                () -> assertEquals("user", defaults.envValue("KBATCH_NAMESPACE_BY_GROUP_FALLBACK")),
                () -> assertFalse(defaults.envEntry("KBATCH_JOB_NAMESPACE").isPresent(), "per-user namespaces"),
                () -> assertFalse(defaults.envEntry("KBATCH_NAMESPACE_BY_GROUP").isPresent(), "no groups"),
                () -> assertFalse(defaults.envEntry("KBATCH_USER_RESOURCE_QUOTA_FILE").isPresent(), "no quota"),
                () -> assertFalse(defaults.envEntry("KBATCH_USER_LIMIT_RANGE_FILE").isPresent(), "no limit range"),
                () -> assertFalse(defaults.envEntry("KBATCH_DELETE_EMPTY_NAMESPACES_AFTER").isPresent(),
                        "no cleanup"),
                () -> assertEquals(Set.of(), fieldNames(defaults.one("ConfigMap").path("data")), "no files"));
    }

    @Test
    void theTokenComesFromTheChartsSecret() {
        JsonNode ref = defaults.env("JUPYTERHUB_API_TOKEN").at("/valueFrom/secretKeyRef");
        assertFalse(defaults.env("JUPYTERHUB_API_TOKEN").has("value"), "never a plain value");
        JsonNode secret = defaults.named("Secret", ref.path("name").asString());
        assertTrue(secret.path("data").has(ref.path("key").asString()), "the Secret has the key: " + secret);

        RenderedChart withToken = RenderedChart.template(t -> t.set("app.jupyterhub_api_token", "s3cret"));
        JsonNode data = withToken.named("Secret", ref.path("name").asString()).path("data");
        assertEquals("czNjcmV0", data.path(ref.path("key").asString()).asString(), "base64 of the token");
        assertFalse(withToken.text().contains("s3cret"), "the token appears only base64-encoded");
    }

    @Test
    void theTokenComesFromTheExistingSecretWhenNamed() {
        JsonNode ref = full.env("JUPYTERHUB_API_TOKEN").at("/valueFrom/secretKeyRef");
        assertEquals("hub-tokens", ref.path("name").asString());
        assertEquals("kbatch-token", ref.path("key").asString());
        assertTrue(full.all("Secret").stream().noneMatch(s -> s.path("data").has("jupyterhub-api-token")),
                "no token Secret of the chart's own");
        assertFalse(full.text().contains(fullValues.at("/app/jupyterhub_api_token").asString()),
                "the ignored token is not rendered");
    }

    @Test
    void everySettingOfTheFullValues() {
        JsonNode app = fullValues.path("app");
        assertAll(
                () -> assertEquals(app.path("jupyterhub_api_url").asString(), full.envValue("JUPYTERHUB_API_URL")),
                () -> assertEquals("/services/batch/", full.envValue("JUPYTERHUB_SERVICE_PREFIX")),
                () -> assertEquals("batch", full.envValue("JUPYTERHUB_SERVICE_NAME")),
                () -> assertEquals("86400", full.envValue("KBATCH_JOB_TTL_SECONDS_AFTER_FINISHED")),
                () -> assertEquals("restricted", full.envValue("KBATCH_POD_SECURITY")),
                () -> assertEquals("false", full.envValue("KBATCH_CREATE_USER_NAMESPACE")),
                () -> assertEquals(app.path("job_extra_env"), JSON.readTree(full.envValue("KBATCH_JOB_EXTRA_ENV"))),
                () -> assertEquals("2097152", full.envValue("KBATCH_MAX_REQUEST_BYTES"), "whole numbers stay whole"),
                () -> assertEquals("16777216", full.envValue("KBATCH_MAX_CODE_BYTES")),
                () -> assertEquals("ghcr.io/myorg/*,docker.io/pangeo/*:*", full.envValue("KBATCH_ALLOWED_IMAGES")),
                () -> assertEquals("20", full.envValue("KBATCH_MAX_ACTIVE_JOBS")),
                () -> assertEquals("0", full.envValue("KBATCH_MAX_CRONJOBS"), "0 is a limit, not unset"),
                () -> assertEquals(app.path("max_container_resources"),
                        JSON.readTree(full.envValue("KBATCH_MAX_CONTAINER_RESOURCES"))),
                () -> assertEquals(app.path("default_container_resources"),
                        JSON.readTree(full.envValue("KBATCH_DEFAULT_CONTAINER_RESOURCES"))),
                () -> assertEquals("3600", full.envValue("KBATCH_DEFAULT_ACTIVE_DEADLINE_SECONDS")),
                () -> assertEquals("86400", full.envValue("KBATCH_MAX_ACTIVE_DEADLINE_SECONDS")),
                () -> assertEquals(app.path("group_policies"), JSON.readTree(full.envValue("KBATCH_GROUP_POLICIES"))),
                () -> assertEquals(app.at("/extra_env/JUPYTERHUB_OAUTH_ACCESS_SCOPES"),
                        JSON.readTree(full.envValue("JUPYTERHUB_OAUTH_ACCESS_SCOPES")), "lists become JSON"),
                () -> assertEquals("-XX:MaxRAMPercentage=60", full.envValue("JAVA_TOOL_OPTIONS")),
                () -> assertEquals("kbatch-shared", full.envValue("KBATCH_JOB_NAMESPACE")),
                () -> assertEquals(app.path("namespace_by_group"),
                        JSON.readTree(full.envValue("KBATCH_NAMESPACE_BY_GROUP")), "the groups as a JSON object"),
                () -> assertEquals("deny", full.envValue("KBATCH_NAMESPACE_BY_GROUP_FALLBACK")),
                () -> assertEquals("7d", full.envValue("KBATCH_DELETE_EMPTY_NAMESPACES_AFTER")),
                () -> assertEquals("registry.internal:5000/mirror/busybox:1.36",
                        full.envValue("KBATCH_INIT_CONTAINER_IMAGE")),
                () -> assertTrue(full.one("Deployment").at("/spec/template/spec/hostNetwork").asBoolean(),
                        "hostNetwork: true"),
                () -> assertEquals("ClusterFirstWithHostNet",
                        full.one("Deployment").at("/spec/template/spec/dnsPolicy").asString()));
    }

    @Test
    void theUnzipImageIsPinnedAndPodsUseThePodNetworkByDefault() {
        assertEquals("busybox:1.36", defaults.envValue("KBATCH_INIT_CONTAINER_IMAGE"));
        assertEquals("8388608", defaults.envValue("KBATCH_MAX_CODE_BYTES"));
        for (String rule : List.of("KBATCH_ALLOWED_IMAGES", "KBATCH_MAX_ACTIVE_JOBS", "KBATCH_MAX_CRONJOBS",
                "KBATCH_MAX_CONTAINER_RESOURCES", "KBATCH_DEFAULT_CONTAINER_RESOURCES",
                "KBATCH_DEFAULT_ACTIVE_DEADLINE_SECONDS", "KBATCH_MAX_ACTIVE_DEADLINE_SECONDS", "KBATCH_GROUP_POLICIES")) {
            assertTrue(defaults.envEntry(rule).isEmpty(), rule + " is off by default");
        }
        assertTrue(defaults.one("Deployment").at("/spec/template/spec/hostNetwork").isMissingNode(),
                "no hostNetwork unless asked for");
    }

    @Test
    void theJobTemplateAndProfilesAreFilesOfTheMountedConfigMap() {
        String templateFile = full.envValue("KBATCH_JOB_TEMPLATE_FILE");
        String profileFile = full.envValue("KBATCH_PROFILE_FILE");
        String template = full.configMapFile(templateFile)
                .orElseThrow(() -> new AssertionError(templateFile + " is not a file of a mounted ConfigMap"));
        String profiles = full.configMapFile(profileFile)
                .orElseThrow(() -> new AssertionError(profileFile + " is not a file of a mounted ConfigMap"));
        assertEquals(fullValues.at("/app/job_template"), RenderedChart.readYaml(template));
        assertEquals(fullValues.at("/app/profiles"), RenderedChart.readYaml(profiles));
    }

    @Test
    void theUserQuotaAndLimitRangeAreFilesOfTheMountedConfigMap() {
        for (String[] file : List.of(
                new String[] {"KBATCH_USER_RESOURCE_QUOTA_FILE", "/app/user_resource_quota", "user-resource-quota.yaml"},
                new String[] {"KBATCH_USER_LIMIT_RANGE_FILE", "/app/user_limit_range", "user-limit-range.yaml"})) {
            String path = full.envValue(file[0]);
            assertTrue(path.endsWith("/" + file[2]), file[0] + "=" + path);
            String content = full.configMapFile(path)
                    .orElseThrow(() -> new AssertionError(path + " is not a file of a mounted ConfigMap"));
            assertEquals(fullValues.at(file[1]), RenderedChart.readYaml(content), file[2]);
        }
    }

    /** The rendered settings, files included, read by the proxy's own configuration code. */
    @Test
    void theProxyAcceptsTheRenderedSettings(@TempDir Path dir) throws Exception {
        Map<String, String> env = new HashMap<>();
        for (JsonNode entry : full.container().path("env").values()) {
            String name = entry.path("name").asString();
            env.put(name, entry.has("value") ? entry.path("value").asString() : "from-a-secret");
        }
        for (String fileVariable : List.of("KBATCH_JOB_TEMPLATE_FILE", "KBATCH_PROFILE_FILE",
                "KBATCH_USER_RESOURCE_QUOTA_FILE", "KBATCH_USER_LIMIT_RANGE_FILE")) {
            Path local = dir.resolve(fileVariable + ".yaml");
            Files.writeString(local, full.configMapFile(env.get(fileVariable)).orElseThrow());
            env.put(fileVariable, local.toString());
        }

        ProxyConfig config = ProxyConfig.from(Config.just(ConfigSources.create(env)));

        assertAll(
                () -> assertEquals(9090, config.port()),
                () -> assertEquals("registry.internal:5000/mirror/busybox:1.36", config.initContainerImage()),
                () -> assertEquals("http://hub.jhub.svc:8081/hub/api", config.hubApiUrl()),
                () -> assertEquals("/services/batch", config.prefix()),
                () -> assertEquals("batch", config.serviceName()),
                () -> assertEquals(List.of("access:services!service=batch", "access:services"), config.accessScopes()),
                () -> assertEquals(86400, config.ttlSecondsAfterFinished()),
                () -> assertFalse(config.createUserNamespace()),
                () -> assertEquals(2097152, config.maxPayloadBytes()),
                () -> assertEquals(JSON.convertValue(fullValues.at("/app/job_extra_env"), Map.class),
                        config.jobExtraEnv()),
                () -> assertEquals(fullValues.at("/app/profiles"), config.profiles()),
                () -> assertNotNull(config.jobTemplate()),
                () -> assertEquals(JSON.convertValue(fullValues.at("/app/job_template"), Map.class),
                        config.jobTemplate()),
                () -> assertEquals("kbatch-shared", config.jobNamespace()),
                () -> assertEquals(Map.of("physics", "kbatch-physics", "chemistry", "kbatch-chemistry"),
                        config.namespaceByGroup()),
                () -> assertTrue(config.denyWithoutGroup(), "fallback deny"),
                () -> assertEquals(JSON.convertValue(fullValues.at("/app/user_resource_quota"), Map.class),
                        config.userResourceQuota()),
                () -> assertEquals(JSON.convertValue(fullValues.at("/app/user_limit_range"), Map.class),
                        config.userLimitRange()),
                () -> assertEquals(java.time.Duration.ofDays(7), config.deleteEmptyNamespacesAfter()));
    }

    /** The default values, read back the same way: per-user namespaces, no quotas, no cleanup. */
    @Test
    void theProxyAcceptsTheDefaultSettings() {
        Map<String, String> env = new HashMap<>();
        for (JsonNode entry : defaults.container().path("env").values()) {
            env.put(entry.path("name").asString(), entry.has("value") ? entry.path("value").asString() : "x");
        }
        ProxyConfig config = ProxyConfig.from(Config.just(ConfigSources.create(env)));
        assertAll(
                () -> assertTrue(config.createUserNamespace()),
                () -> assertEquals(null, config.jobNamespace()),
                () -> assertEquals(Map.of(), config.namespaceByGroup()),
                () -> assertFalse(config.denyWithoutGroup()),
                () -> assertEquals(null, config.userResourceQuota()),
                () -> assertEquals(null, config.userLimitRange()),
                () -> assertEquals(null, config.deleteEmptyNamespacesAfter()));
    }

    @Test
    void extraEnvWinsOverTheChartsSettingsButNotOverThePort() {
        RenderedChart chart = RenderedChart.template(t -> t
                .set("app.extra_env.KBATCH_JOB_EXTRA_ENV", "{\"A\":\"b\"}")
                .set("app.extra_env.KBATCH_PREFIX", "/services/kbatch")
                .set("app.extra_env.KBATCH_PORT", "9999"));
        assertEquals("{\"A\":\"b\"}", chart.envValue("KBATCH_JOB_EXTRA_ENV"));
        assertEquals("/services/kbatch", chart.envValue("KBATCH_PREFIX"));
        assertEquals("8080", chart.envValue("KBATCH_PORT"), "the probes and the Service use app.port, not extra_env's");
    }

    @Test
    void anUnknownPodSecurityLevelIsRefused() {
        Exception e = assertThrows(Exception.class,
                () -> RenderedChart.template(t -> t.set("app.pod_security", "strict")));
        assertTrue(e.getMessage().contains("app.pod_security"), e.getMessage());
        for (String level : List.of("baseline", "restricted", "privileged")) {
            assertEquals(level, RenderedChart.template(t -> t.set("app.pod_security", level))
                    .envValue("KBATCH_POD_SECURITY"));
        }
    }

    @Test
    void anUnknownFallbackOrDurationIsRefused() {
        Exception fallback = assertThrows(Exception.class,
                () -> RenderedChart.template(t -> t.set("app.namespace_by_group_fallback", "nobody")));
        assertTrue(fallback.getMessage().contains("app.namespace_by_group_fallback"), fallback.getMessage());
        Exception after = assertThrows(Exception.class,
                () -> RenderedChart.template(t -> t.set("app.delete_empty_namespaces_after", "1w")));
        assertTrue(after.getMessage().contains("app.delete_empty_namespaces_after"), after.getMessage());
        for (String ok : List.of("3600", "30m", "24h", "7d", "90s")) {
            assertEquals(ok, RenderedChart.template(t -> t.set("app.delete_empty_namespaces_after", ok))
                    .envValue("KBATCH_DELETE_EMPTY_NAMESPACES_AFTER"));
        }
    }

    @Test
    void aDurationInSecondsMayBeANumber(@TempDir Path dir) throws Exception {
        Path values = dir.resolve("values.yaml");
        Files.writeString(values, "app:\n  delete_empty_namespaces_after: 86400\n");
        assertEquals("86400", RenderedChart.template(t -> t.withValuesFile(values))
                .envValue("KBATCH_DELETE_EMPTY_NAMESPACES_AFTER"));
    }

    @Test
    void changingTheQuotaOrTheLimitRangeRollsThePods() {
        String quota = configChecksum(RenderedChart.template(t -> t.set("app.user_resource_quota.spec.hard.pods", 10)));
        String otherQuota = configChecksum(RenderedChart.template(t -> t.set("app.user_resource_quota.spec.hard.pods",
                20)));
        String limits = configChecksum(RenderedChart.template(t -> t
                .set("app.user_limit_range.spec.limits[0].type", "Container")));
        String otherLimits = configChecksum(RenderedChart.template(t -> t
                .set("app.user_limit_range.spec.limits[0].type", "Pod")));
        assertNotEquals(configChecksum(defaults), quota, "adding a quota changes the checksum");
        assertNotEquals(quota, otherQuota, "a changed quota changes the checksum");
        assertNotEquals(configChecksum(defaults), limits, "adding a limit range changes the checksum");
        assertNotEquals(limits, otherLimits, "a changed limit range changes the checksum");
    }

    @Test
    void changingTheJobTemplateRollsThePods() {
        String once = configChecksum(RenderedChart.template(t -> t.set("app.job_template.spec.backoffLimit", 1)));
        String again = configChecksum(RenderedChart.template(t -> t.set("app.job_template.spec.backoffLimit", 1)));
        String changed = configChecksum(RenderedChart.template(t -> t.set("app.job_template.spec.backoffLimit", 2)));
        assertEquals(once, again, "the same values, the same checksum");
        assertNotEquals(once, changed, "a changed job template changes the pods' checksum annotation");
        assertNotEquals(configChecksum(defaults), configChecksum(full));
    }

    @Test
    void extraFilesAreMountedFromASecret() {
        JsonNode files = fullValues.at("/app/extraFiles");
        for (Map.Entry<String, JsonNode> file : files.properties()) {
            JsonNode mount = full.mountAt(file.getValue().path("mountPath").asString());
            assertEquals(file.getKey(), mount.path("subPath").asString());
            JsonNode secret = full.named("Secret",
                    full.volume(mount.path("name").asString()).at("/secret/secretName").asString());
            assertTrue(secret.path("data").has(file.getKey()), "the Secret holds " + file.getKey());
        }
        JsonNode secret = full.named("Secret", "kbatch-files");
        assertEquals("-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n",
                decode(secret.at("/data/ca-bundle")));
        assertEquals(JSON.readTree("{\"answer\": 42}"), JSON.readTree(decode(secret.at("/data/settings"))),
                "structured data of a .json file is JSON");
        assertEquals("AAECAw==", secret.at("/data/blob").asString(), "binaryData as given");
        JsonNode item = full.volume("files").at("/secret/items").values().stream()
                .filter(i -> "ca-bundle".equals(i.path("key").asString())).findFirst().orElseThrow();
        assertEquals(0444, item.path("mode").asInt());
    }

    // --- scaling ---

    @Test
    void aDisruptionBudgetOnlyWithMoreThanOneReplica() {
        RenderedChart two = RenderedChart.template(t -> t.set("replicaCount", 2));
        JsonNode pdb = two.one("PodDisruptionBudget");
        assertEquals(two.one("Deployment").at("/spec/selector/matchLabels"), pdb.at("/spec/selector/matchLabels"));
        assertEquals(1, pdb.at("/spec/maxUnavailable").asInt());
        assertEquals(2, two.one("Deployment").at("/spec/replicas").asInt());

        assertTrue(defaults.find("PodDisruptionBudget").isEmpty(), "no PDB with one replica");
        assertTrue(RenderedChart.template(t -> t.set("autoscaling.enabled", true)).find("PodDisruptionBudget")
                .isPresent(), "a PDB with autoscaling");
        assertEquals(1, full.one("PodDisruptionBudget").at("/spec/minAvailable").asInt());
        assertFalse(full.one("PodDisruptionBudget").path("spec").has("maxUnavailable"));
    }

    @Test
    void autoscalingAndIngress() {
        JsonNode hpa = full.one("HorizontalPodAutoscaler");
        assertEquals(full.one("Deployment").at("/metadata/name"), hpa.at("/spec/scaleTargetRef/name"));
        assertEquals(2, hpa.at("/spec/minReplicas").asInt());
        assertEquals(5, hpa.at("/spec/maxReplicas").asInt());
        assertFalse(full.one("Deployment").path("spec").has("replicas"), "the autoscaler owns the replicas");
        assertTrue(defaults.find("HorizontalPodAutoscaler").isEmpty());

        JsonNode ingress = full.one("Ingress");
        JsonNode backend = ingress.at("/spec/rules/0/http/paths/0/backend/service");
        assertEquals(full.one("Service").at("/metadata/name"), backend.path("name"));
        assertEquals(full.one("Service").at("/spec/ports/0/port"), backend.at("/port/number"));
        assertEquals("kbatch.example.org", ingress.at("/spec/rules/0/host").asString());
        assertEquals("kbatch-tls", ingress.at("/spec/tls/0/secretName").asString());
        assertEquals("nginx", ingress.at("/spec/ingressClassName").asString());
        assertTrue(defaults.find("Ingress").isEmpty());
    }

    // --- NOTES.txt ---

    /** helm template does not render NOTES.txt: render a copy of it as a ConfigMap of a chart copy. */
    @Test
    void theNotesShowTheJupyterHubServiceSnippet(@TempDir Path dir) throws Exception {
        Path chart = RenderedChart.copyChart(dir);
        String notes = Files.readString(chart.resolve("templates/NOTES.txt"));
        Files.writeString(chart.resolve("templates/_notes_under_test.tpl"),
                "{{- define \"notes-under-test\" -}}\n" + notes + "\n{{- end }}\n");
        Files.writeString(chart.resolve("templates/notes-under-test.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: notes-under-test
                data:
                  notes: {{ include "notes-under-test" . | toJson }}
                """);

        String rendered = RenderedChart.template(chart, t -> t.set("app.jupyterhub_api_token", "t0ken"))
                .named("ConfigMap", "notes-under-test").at("/data/notes").asString();

        assertAll(
                () -> assertTrue(rendered.contains("hub:\n     services:\n       kbatch:\n"), rendered),
                () -> assertTrue(rendered.contains("url: http://kbatch-proxy." + NAMESPACE + ":80\n"), rendered),
                () -> assertTrue(rendered.contains("api_token: "), rendered),
                () -> assertTrue(rendered.contains("\"access:services!service=kbatch\""), rendered),
                () -> assertTrue(rendered.contains("kubectl get secret --namespace jhub kbatch-proxy"), rendered),
                () -> assertFalse(rendered.contains("t0ken"), "the notes never show the token"));
    }

    // --- helpers ---

    private static void assertBinding(RenderedChart chart, String serviceAccount) {
        JsonNode binding = chart.one("ClusterRoleBinding");
        JsonNode subjects = binding.path("subjects");
        assertEquals(1, subjects.size(), "subjects: " + subjects);
        JsonNode subject = subjects.get(0);
        assertAll(
                () -> assertEquals("ServiceAccount", subject.path("kind").asString()),
                () -> assertEquals(serviceAccount, subject.path("name").asString()),
                () -> assertEquals(NAMESPACE, subject.path("namespace").asString()),
                () -> assertEquals("ClusterRole", binding.at("/roleRef/kind").asString()),
                () -> assertEquals(chart.one("ClusterRole").at("/metadata/name"), binding.at("/roleRef/name")),
                () -> assertEquals(serviceAccount, chart.one("ServiceAccount").at("/metadata/name").asString()),
                () -> assertEquals(serviceAccount, chart.podSpec().path("serviceAccountName").asString()));
    }

    /**
     * The role grants exactly these rules, compared as sets of (group, resource, verb) both ways; it has rules with
     * only apiGroups, resources and verbs, and names each resource in one rule only (the canonical form).
     */
    private static void assertGrantsExactly(List<KubernetesPermissions.Rule> rules, JsonNode role, String what) {
        Set<String> required = permissions(rules);
        Set<String> granted = granted(role);
        Set<String> missing = new TreeSet<>(required);
        missing.removeAll(granted);
        Set<String> extra = new TreeSet<>(granted);
        extra.removeAll(required);
        Set<String> resources = new TreeSet<>();
        for (JsonNode rule : role.path("rules").values()) {
            for (String group : strings(rule.path("apiGroups"))) {
                for (String resource : strings(rule.path("resources"))) {
                    assertTrue(resources.add(group + "/" + resource), what + ": " + resource + " in two rules");
                }
            }
        }
        assertAll(
                () -> assertEquals(Set.of(), missing, what + " lacks permissions the code uses"),
                () -> assertEquals(Set.of(), extra, what + " grants permissions the code does not use"));
    }

    /** A Role and a RoleBinding to the chart's service account in each namespace and nowhere else; no ClusterRole. */
    private static void assertRolesIn(RenderedChart chart, String serviceAccount, Set<String> namespaces) {
        for (String kind : List.of("ClusterRole", "ClusterRoleBinding")) {
            assertEquals(List.of(), chart.all(kind), kind + " rendered though every namespace is the admin's");
        }
        List<JsonNode> roles = chart.all("Role");
        List<JsonNode> bindings = chart.all("RoleBinding");
        assertEquals(namespaces.size(), roles.size(), "one Role per namespace: " + roles);
        assertEquals(namespaces.size(), bindings.size(), "one RoleBinding per namespace: " + bindings);
        assertEquals(namespaces, roles.stream().map(r -> r.at("/metadata/namespace").asString())
                .collect(Collectors.toSet()));
        for (String namespace : namespaces) {
            JsonNode role = roles.stream().filter(r -> namespace.equals(r.at("/metadata/namespace").asString()))
                    .findFirst().orElseThrow();
            JsonNode binding = bindings.stream()
                    .filter(b -> namespace.equals(b.at("/metadata/namespace").asString())).findFirst()
                    .orElseGet(() -> org.junit.jupiter.api.Assertions.fail("no RoleBinding in " + namespace));
            assertGrantsExactly(KubernetesPermissions.required(false, false, false), role, "the Role in " + namespace);
            JsonNode subjects = binding.path("subjects");
            assertEquals(1, subjects.size(), "subjects: " + subjects);
            assertAll(
                    () -> assertEquals("Role", binding.at("/roleRef/kind").asString()),
                    () -> assertEquals("rbac.authorization.k8s.io", binding.at("/roleRef/apiGroup").asString()),
                    () -> assertEquals(role.at("/metadata/name"), binding.at("/roleRef/name")),
                    () -> assertEquals("ServiceAccount", subjects.get(0).path("kind").asString()),
                    () -> assertEquals(serviceAccount, subjects.get(0).path("name").asString()),
                    () -> assertEquals(NAMESPACE, subjects.get(0).path("namespace").asString()),
                    () -> assertEquals(serviceAccount, chart.podSpec().path("serviceAccountName").asString()));
        }
    }

    /** The rules as {@code group/resource:verb}. */
    private static Set<String> permissions(List<KubernetesPermissions.Rule> rules) {
        return rules.stream()
                .flatMap(rule -> rule.verbs().stream().map(verb -> permission(rule.apiGroup(), rule.resource(), verb)))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** Every apiGroup × resource × verb a ClusterRole or Role grants, as {@code group/resource:verb}. */
    private static Set<String> granted(JsonNode role) {
        Set<String> granted = new TreeSet<>();
        for (JsonNode rule : role.path("rules").values()) {
            assertEquals(Set.of("apiGroups", "resources", "verbs"), Set.copyOf(rule.propertyNames()),
                    "a rule with only apiGroups, resources and verbs (no resourceNames, no nonResourceURLs): " + rule);
            for (String group : strings(rule.path("apiGroups"))) {
                for (String resource : strings(rule.path("resources"))) {
                    for (String verb : strings(rule.path("verbs"))) {
                        granted.add(permission(group, resource, verb));
                    }
                }
            }
        }
        return granted;
    }

    private static String permission(String group, String resource, String verb) {
        return group + "/" + resource + ":" + verb;
    }

    private static void assertProbe(JsonNode container, String probe, String path) {
        JsonNode get = container.path(probe).path("httpGet");
        assertEquals(path, get.path("path").asString(), probe);
        assertEquals("http", get.path("port").asString(), probe + " port");
    }

    private static String configChecksum(RenderedChart chart) {
        String checksum = chart.one("Deployment").at("/spec/template/metadata/annotations")
                .path(CONFIG_CHECKSUM).asString();
        assertTrue(checksum.matches("[0-9a-f]{64}"), "a sha256 checksum annotation: " + checksum);
        return checksum;
    }

    private static List<String> strings(JsonNode array) {
        assertTrue(array.isArray(), "a list: " + array);
        return array.values().stream().map(JsonNode::asString).toList();
    }

    private static Set<String> fieldNames(JsonNode object) {
        return new TreeSet<>(object.propertyNames());
    }

    private static String decode(JsonNode base64) {
        return new String(java.util.Base64.getDecoder().decode(base64.asString()),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The paths of all leaves and maps of a values tree, as {@code a.b.c}. */
    private static Set<String> paths(JsonNode node, String prefix) {
        Set<String> paths = new TreeSet<>();
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
                paths.add(path);
                paths.addAll(paths(e.getValue(), path));
            }
        }
        return paths;
    }

    /** The value paths a user sets, without the keys inside free-form values. */
    private static Set<String> settable(JsonNode values) {
        Set<String> paths = paths(values, "");
        paths.removeIf(HelmChartTest::isFreeForm);
        return paths;
    }

    /** Values whose keys are the user's own (free-form maps and Kubernetes objects). */
    private static boolean isFreeForm(String path) {
        return List.of("app.job_template.", "app.profiles.", "app.job_extra_env.", "app.extra_env.",
                        "app.namespace_by_group.", "app.max_container_resources.", "app.default_container_resources.",
                        "app.group_policies.", "app.user_resource_quota.", "app.user_limit_range.",
                        "app.extraFiles.", "serviceAccount.annotations.", "podAnnotations.", "extraPodLabels.",
                        "podSecurityContext.", "securityContext.", "ingress.annotations.", "ingress.hosts.",
                        "ingress.tls.", "resources.", "nodeSelector.", "affinity.", "tolerations.",
                        "imagePullSecrets.")
                .stream().anyMatch(path::startsWith)
                // commented out in values.yaml, or an alternative to a default (minAvailable for maxUnavailable)
                || List.of("autoscaling.targetMemoryUtilizationPercentage", "podDisruptionBudget.minAvailable",
                        "podDisruptionBudget.maxUnavailable").contains(path);
    }
}
