package org.kbatch.proxy.render;

import org.kbatch.proxy.testing.WireFixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.kbatch.proxy.testing.WireFixtures.k8sCall;
import static org.kbatch.proxy.testing.WireFixtures.k8sCallPath;
import static org.kbatch.proxy.testing.WireFixtures.requestBody;
import static org.kbatch.proxy.testing.WireFixtures.sorted;
import static org.kbatch.proxy.testing.WireFixtures.wire;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kbatch.proxy.testing.WireFixtures.SnakeToCamel;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Whole renders of the captured submissions against what the Python reference sent to Kubernetes (the
 * {@code *-k8s-calls.json} bodies), after filling in the names Kubernetes generated with the name-filling functions.
 * The trees must be equal, except for these deliberate differences, applied to the expected side below:
 * <ul>
 *   <li>empty maps and lists ({@code resources.limits: {}}, {@code matchFields: []}) are not sent: fabric8 omits
 *       them and Kubernetes reads absent and empty alike ({@code emptyDir: {}} is an object and is sent);</li>
 *   <li>the Secret carries {@code apiVersion}, {@code kind} and its namespace, like every other object we send;</li>
 *   <li>the code ConfigMap carries the username label, so a user's objects can all be found by label;</li>
 *   <li>CronJob (26): the admin template is merged into {@code spec.jobTemplate} (so its pod settings reach CronJob
 *       pods) rather than into the CronJob itself, and the CronJob's own metadata gets the namespace, username
 *       annotation and label like its job template;</li>
 *   <li>the unzip init container's image is pinned ({@code busybox:1.36}, pulled {@code IfNotPresent}) where the
 *       reference sent {@code busybox}, whose implied {@code latest} tag means a registry pull for every job;</li>
 *   <li>odd user (34): the username label is the namespace's safe part, where the reference sent an invalid value
 *       that the API server rejected.</li>
 * </ul>
 */
class JobRendererGoldenTest {

    private static final String TOKEN = "<token>";
    private static final RenderSettings SETTINGS = new RenderSettings(WireFixtures.jobTemplate(),
            Map.of("KBATCH_ACC_EXTRA", "from-proxy"), 3600);
    private static final String USERNAME_KEY = "kbatch.jupyter.org/username";

    @ParameterizedTest
    @ValueSource(strings = {"05-job-submit-with-code", "07-job-submit-from-file", "09-job-submit-gpu-profile",
            "10-job-submit-failing"})
    void jobs(String exchange) {
        RenderedSubmission<Job> rendered = render(exchange, Job.class, "testuser");

        assertNamespace(exchange, rendered);
        assertSecret(exchange, rendered, "testuser");
        String secretName = k8sCall(exchange, "PATCH", "/secrets/.*").get("metadata").get("name").asString();
        rendered = rendered.withSecretName(secretName);
        if (requestHasCode(exchange)) {
            rendered = rendered.withCodeConfigMapName(assertCodeConfigMap(exchange, rendered));
        } else {
            assertNull(rendered.code());
        }
        assertTreeEquals(expected(k8sCall(exchange, "POST", "/jobs")), wire(rendered.workload()));
    }

    @Test
    void cronJobWithCode() {
        String exchange = "26-cronjob-submit";
        RenderedSubmission<CronJob> rendered = render(exchange, CronJob.class, "testuser");

        assertNamespace(exchange, rendered);
        assertSecret(exchange, rendered, "testuser");
        String secretName = k8sCall(exchange, "PATCH", "/secrets/.*").get("metadata").get("name").asString();
        String configMapName = assertCodeConfigMap(exchange, rendered);
        rendered = rendered.withSecretName(secretName).withCodeConfigMapName(configMapName);

        ObjectNode expected = (ObjectNode) expected(k8sCall(exchange, "POST", "/cronjobs"));
        // Deliberate: the CronJob itself is in the user's namespace and labelled and annotated like its jobs ...
        ObjectNode cronMeta = (ObjectNode) expected.get("metadata");
        cronMeta.put("namespace", "kbatch-testuser");
        cronMeta.set("labels", JsonNodeFactory.instance.objectNode().put(USERNAME_KEY, "testuser"));
        // ... and the template's annotation goes on the job template, not on the CronJob,
        cronMeta.set("annotations", JsonNodeFactory.instance.objectNode().put(USERNAME_KEY, "testuser"));
        ObjectNode jobTemplate = (ObjectNode) expected.get("spec").get("jobTemplate");
        ((ObjectNode) jobTemplate.get("metadata").get("annotations")).put("acceptance.kbatch/template", "applied");
        // ... as does its pod template's nodeSelector, which the reference never let reach CronJob pods.
        ((ObjectNode) jobTemplate.get("spec").get("template").get("spec"))
                .set("nodeSelector", JsonNodeFactory.instance.objectNode().put("acceptance.kbatch/pool", "batch"));
        assertTreeEquals(expected, wire(rendered.workload()));
    }

    @Test
    void oddUsernameGetsAValidLabel() {
        String exchange = "34-odd-user-submit";
        String username = "Jane.Doe@example.org";
        String label = "jane-doe-example-org--258389d";
        RenderedSubmission<Job> rendered = render(exchange, Job.class, username);

        assertNamespace(exchange, rendered);
        // The reference's Secret, rejected by the API server (422) for its label "-4Aane-2E-44oe-40example-2Eorg".
        assertSecret(exchange, rendered, label);
        // The reference never got to POST the Job; it is exchange 10's with this user's identity.
        Job job = rendered.withSecretName("odd-job-abcde").workload();
        for (var meta : new io.fabric8.kubernetes.api.model.ObjectMeta[] {
                job.getMetadata(), job.getSpec().getTemplate().getMetadata()}) {
            assertEquals("kbatch-jane-doe-example-org--258389d", meta.getNamespace());
            assertEquals(label, meta.getLabels().get(USERNAME_KEY));
            assertEquals(username, meta.getAnnotations().get(USERNAME_KEY));
        }
        assertEquals("odd-job-abcde", job.getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv()
                .getFirst().getValueFrom().getSecretKeyRef().getName());
    }

    private static <W extends HasMetadata> RenderedSubmission<W> render(String exchange, Class<W> type,
                                                                       String username) {
        JsonNode body = requestBody(exchange);
        W workload = SnakeToCamel.read(body.get("job"), type);
        ConfigMap code = requestHasCode(exchange) ? SnakeToCamel.read(body.get("code"), ConfigMap.class) : null;
        return JobRenderer.render(workload, code, Samples.caller(username, TOKEN), SETTINGS);
    }

    private static boolean requestHasCode(String exchange) {
        JsonNode code = requestBody(exchange).get("code");
        return code != null && !code.isNull();
    }

    private static void assertNamespace(String exchange, RenderedSubmission<?> rendered) {
        String secretsPath = k8sCallPath(exchange, "POST", "/secrets");
        assertEquals("/api/v1/namespaces/" + rendered.namespace() + "/secrets", secretsPath);
    }

    private static void assertSecret(String exchange, RenderedSubmission<?> rendered, String label) {
        ObjectNode expected = (ObjectNode) expected(k8sCall(exchange, "POST", "/secrets"));
        // The capture hides the token's base64 form; ours is of the test token.
        ObjectNode data = (ObjectNode) expected.get("data");
        data.put("JUPYTERHUB_API_TOKEN",
                Base64.getEncoder().encodeToString(TOKEN.getBytes(StandardCharsets.UTF_8)));
        // Deliberate: apiVersion, kind and namespace are sent like on every other object.
        expected.put("apiVersion", "v1");
        expected.put("kind", "Secret");
        ((ObjectNode) expected.get("metadata")).put("namespace", rendered.namespace());
        // Deliberate (34 only): a valid label.
        ((ObjectNode) expected.get("metadata").get("labels")).put(USERNAME_KEY, label);
        assertNotNull(rendered.secret());
        assertTreeEquals(expected, wire(rendered.secret()));
    }

    /** Checks the code ConfigMap and returns the name Kubernetes generated for it in the capture. */
    private static String assertCodeConfigMap(String exchange, RenderedSubmission<?> rendered) {
        ObjectNode expected = (ObjectNode) expected(k8sCall(exchange, "POST", "/configmaps"));
        // Deliberate: labelled like the Job and the Secret.
        ((ObjectNode) expected.get("metadata")).set("labels",
                JsonNodeFactory.instance.objectNode().put(USERNAME_KEY, "testuser"));
        assertNotNull(rendered.code());
        assertTreeEquals(expected, wire(rendered.code()));
        return k8sCall(exchange, "PATCH", "/configmaps/.*").get("metadata").get("name").asString();
    }

    /** The reference's body as fabric8 sends it: without empty maps and lists (except {@code emptyDir: {}}). */
    private static JsonNode expected(JsonNode reference) {
        JsonNode expected = withoutEmptyCollections(reference.deepCopy());
        // Deliberate: the unzip container's image is pinned and pulled only when missing.
        expected.findParents("initContainers").forEach(podSpec -> podSpec.get("initContainers").values().forEach(c -> {
            if (c.get("name").asString().endsWith("-init") && "busybox".equals(c.get("image").asString())) {
                ((ObjectNode) c).put("image", RenderSettings.DEFAULT_INIT_IMAGE).put("imagePullPolicy", "IfNotPresent");
            }
        }));
        return expected;
    }

    private static JsonNode withoutEmptyCollections(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            node.properties().forEach(e -> {
                JsonNode v = e.getValue();
                boolean emptyCollection = v.isContainer() && v.isEmpty() && !e.getKey().equals("emptyDir");
                if (!emptyCollection) {
                    out.set(e.getKey(), withoutEmptyCollections(v));
                }
            });
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.values().forEach(v -> out.add(withoutEmptyCollections(v)));
            return out;
        }
        return node;
    }

    private static void assertTreeEquals(JsonNode expected, JsonNode actual) {
        assertEquals(sorted(expected).toPrettyString(), sorted(actual).toPrettyString());
        assertEquals(expected, actual);
    }
}
