package org.kbatch.proxy.wire;

import org.kbatch.proxy.testing.WireFixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kbatch.proxy.testing.WireFixtures.bytes;
import static org.kbatch.proxy.testing.WireFixtures.cover;
import static org.kbatch.proxy.testing.WireFixtures.normalise;
import static org.kbatch.proxy.testing.WireFixtures.pathsOfKey;
import static org.kbatch.proxy.testing.WireFixtures.requestBody;
import static org.kbatch.proxy.testing.WireFixtures.tree;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/** Reading what the real kbatch CLI sends: the request bodies captured in {@code wire/}. */
class WireCodecRequestTest {

    private static final WireCodec CODEC = WireCodec.create();

    private static final List<String> JOB_SUBMISSIONS = List.of(
            "05-job-submit-with-code", "07-job-submit-from-file", "09-job-submit-gpu-profile",
            "10-job-submit-failing", "34-odd-user-submit");

    static Stream<String> jobSubmissions() {
        return JOB_SUBMISSIONS.stream();
    }

    static Stream<String> allSubmissions() {
        return Stream.concat(JOB_SUBMISSIONS.stream(), Stream.of("26-cronjob-submit"));
    }

    private static Object readSubmission(String fixture, byte[] body) {
        return fixture.contains("cronjob") ? CODEC.readCronJobSubmission(body) : CODEC.readJobSubmission(body);
    }

    @ParameterizedTest
    @MethodSource("allSubmissions")
    void everyCapturedRequestRoundTrips(String fixture) {
        JsonNode original = requestBody(fixture);

        JsonNode reEmitted = tree(CODEC.write(readSubmission(fixture, bytes(original))));

        assertEquals(normalise(original), normalise(reEmitted),
                "re-emitted submission differs from what the CLI sent (null, absent, [] and {} taken as equal)");
        WireFixtures.Coverage coverage = cover(original, reEmitted);
        // python-kubernetes 22.6 sends ObjectMeta.cluster_name, which fabric8 (like Kubernetes >= 1.25) lacks: it is
        // read and dropped. Every other key the CLI sent comes back, with an equal value.
        assertEquals(pathsOfKey(original, "cluster_name"), coverage.missing());
        assertEquals(List.of(), coverage.different());
        assertEquals(List.of(), coverage.inventedValues());
    }

    @Test
    void submissionWithCodeKeepsItsZipAndFreeFormKeys() {
        JobSubmission submission = CODEC.readJobSubmission(bytes(requestBody("05-job-submit-with-code")));

        Job job = submission.job();
        assertEquals("acc-job-", job.getMetadata().getGenerateName());
        assertEquals(0, job.getSpec().getBackoffLimit());
        assertEquals(300, job.getSpec().getTtlSecondsAfterFinished());
        Container container = job.getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertEquals("/code", container.getWorkingDir());
        assertEquals(List.of("sh", "-c", "python main.py"), container.getCommand());
        assertEquals("bar", container.getEnv().getFirst().getValue());
        assertEquals("Never", job.getSpec().getTemplate().getSpec().getRestartPolicy());

        ConfigMap code = submission.code();
        assertNotNull(code);
        assertEquals("acc-job", code.getMetadata().getGenerateName());
        assertTrue(code.getBinaryData().get("code").startsWith("UEsDBBQ"), "the base64 zip, under the key 'code'");
    }

    @Test
    void gpuProfileKeepsResourceNamesTolerationsAndAffinity() {
        Job job = CODEC.readJobSubmission(bytes(requestBody("09-job-submit-gpu-profile"))).job();

        var pod = job.getSpec().getTemplate().getSpec();
        var resources = pod.getContainers().getFirst().getResources();
        assertEquals(new Quantity("1"), resources.getLimits().get("nvidia.com/gpu"));
        assertEquals(new Quantity("4Gi"), resources.getRequests().get("memory"));
        assertEquals("nvidia.com/gpu", pod.getTolerations().getFirst().getKey());
        assertEquals("acceptance.kbatch/node-kind", pod.getAffinity().getNodeAffinity()
                .getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms().getFirst()
                .getMatchExpressions().getFirst().getKey());
    }

    @Test
    void cronJobSubmissionReadsJobTemplate() {
        CronJobSubmission submission = CODEC.readCronJobSubmission(bytes(requestBody("26-cronjob-submit")));

        CronJob cronJob = submission.job();
        assertEquals("*/5 * * * *", cronJob.getSpec().getSchedule());
        assertEquals(300L, cronJob.getSpec().getStartingDeadlineSeconds());
        assertEquals("acc-cron-cron-", cronJob.getSpec().getJobTemplate().getMetadata().getGenerateName());
        assertEquals("c1", cronJob.getSpec().getJobTemplate().getSpec().getTemplate().getSpec().getContainers()
                .getFirst().getEnv().getFirst().getValue());
        assertNotNull(submission.code());
    }

    @Test
    void codeIsOptional() {
        assertNull(CODEC.readJobSubmission(bytes(requestBody("07-job-submit-from-file"))).code());
        assertNull(CODEC.readJobSubmission("{\"job\": {\"kind\": \"Job\"}}".getBytes()).code());
        assertNull(CODEC.readJobSubmission("{\"job\": {\"kind\": \"Job\"}, \"code\": null}".getBytes()).code());
    }

    /** What the reference sent to Kubernetes (camelCase) reads into the same model as fabric8's own reader makes. */
    @ParameterizedTest
    @MethodSource("allSubmissions")
    void camelCaseKubernetesBodiesReadLikeFabric8ReadsThem(String fixture) {
        KubernetesSerialization fabric8 = new KubernetesSerialization();
        int checked = 0;
        for (JsonNode call : WireFixtures.exchange(fixture + "-k8s-calls").get("calls")) {
            Class<? extends HasMetadata> type = typeOf(call.get("path").asString());
            String body = call.get("body").toString();

            assertEquals(fabric8.unmarshal(body, type), CODEC.read(body.getBytes(), type), call.get("path").asString());
            checked++;
        }
        assertTrue(checked >= 2, "fixture " + fixture + " has Kubernetes calls");
    }

    private static Class<? extends HasMetadata> typeOf(String path) {
        String collection = path.replaceAll(".*/(namespaces|secrets|configmaps|jobs|cronjobs)(/[^/]+)?$", "$1");
        return switch (collection) {
            case "namespaces" -> Namespace.class;
            case "secrets" -> Secret.class;
            case "configmaps" -> ConfigMap.class;
            case "jobs" -> Job.class;
            case "cronjobs" -> CronJob.class;
            default -> throw new IllegalArgumentException(path);
        };
    }

    @Test
    void mixedSnakeAndCamelCaseKeysAreAccepted() {
        String body = """
                {"job": {"apiVersion": "batch/v1", "kind": "Job",
                  "metadata": {"generateName": "mixed-", "owner_references": null},
                  "spec": {"backoffLimit": 2, "ttl_seconds_after_finished": 60,
                    "template": {"spec": {"restartPolicy": "Never",
                      "containers": [{"name": "job", "image": "busybox", "workingDir": "/code",
                        "env": [{"name": "A", "valueFrom": {"secretKeyRef": {"name": "s", "key": "A"}}}],
                        "image_pull_policy": "Always"}]}}}}}
                """;

        Job job = CODEC.readJobSubmission(body.getBytes()).job();

        assertEquals("batch/v1", job.getApiVersion());
        assertEquals("mixed-", job.getMetadata().getGenerateName());
        assertEquals(2, job.getSpec().getBackoffLimit());
        assertEquals(60, job.getSpec().getTtlSecondsAfterFinished());
        Container container = job.getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertEquals("/code", container.getWorkingDir());
        assertEquals("Always", container.getImagePullPolicy());
        assertEquals("s", container.getEnv().getFirst().getValueFrom().getSecretKeyRef().getName());
    }

    @Test
    void freeFormMapKeysAreNeverRenamed() {
        String body = """
                {"job": {"metadata": {
                   "labels": {"kbatch.jupyter.org/username": "jane-2Edoe", "fooBar": "camel", "foo_bar": "snake"},
                   "annotations": {"someAnnotation": "x", "example.org/the_key": "y"}},
                 "spec": {"template": {"spec": {
                   "node_selector": {"acceptance.kbatch/pool": "batch", "diskType": "ssd"},
                   "containers": [{"name": "job", "resources": {"limits": {"nvidia.com/gpu": "1", "ephemeralStorage": "1Gi"}}}]}}}},
                 "code": {"data": {"myFile": "a", "my_file": "b"}, "binary_data": {"code": "UEsF"}}}
                """;

        JobSubmission submission = CODEC.readJobSubmission(body.getBytes());

        var metadata = submission.job().getMetadata();
        assertEquals(Map.of("kbatch.jupyter.org/username", "jane-2Edoe", "fooBar", "camel", "foo_bar", "snake"),
                metadata.getLabels());
        assertEquals(Map.of("someAnnotation", "x", "example.org/the_key", "y"), metadata.getAnnotations());
        var pod = submission.job().getSpec().getTemplate().getSpec();
        assertEquals(Map.of("acceptance.kbatch/pool", "batch", "diskType", "ssd"), pod.getNodeSelector());
        assertEquals(Map.of("nvidia.com/gpu", new Quantity("1"), "ephemeralStorage", new Quantity("1Gi")),
                pod.getContainers().getFirst().getResources().getLimits());
        assertEquals(Map.of("myFile", "a", "my_file", "b"), submission.code().getData());
        assertEquals(Map.of("code", "UEsF"), submission.code().getBinaryData());

        JsonNode written = tree(CODEC.write(submission));
        JsonNode writtenMetadata = written.get("job").get("metadata");
        assertEquals("jane-2Edoe", writtenMetadata.get("labels").get("kbatch.jupyter.org/username").asString());
        assertEquals("camel", writtenMetadata.get("labels").get("fooBar").asString());
        assertEquals("snake", writtenMetadata.get("labels").get("foo_bar").asString());
        assertEquals("x", writtenMetadata.get("annotations").get("someAnnotation").asString());
        JsonNode writtenPod = written.get("job").get("spec").get("template").get("spec");
        assertEquals("batch", writtenPod.get("node_selector").get("acceptance.kbatch/pool").asString());
        assertEquals("ssd", writtenPod.get("node_selector").get("diskType").asString());
        JsonNode limits = writtenPod.get("containers").get(0).get("resources").get("limits");
        assertEquals("1", limits.get("nvidia.com/gpu").asString());
        assertEquals("1Gi", limits.get("ephemeralStorage").asString());
        assertEquals("a", written.get("code").get("data").get("myFile").asString());
        assertEquals("b", written.get("code").get("data").get("my_file").asString());
    }

    @Test
    void unsetFieldsArriveAsNullAndCollectionsStayUsable() {
        String body = """
                {"job": {"api_version": "batch/v1", "kind": "Job", "status": null,
                  "metadata": {"name": null, "labels": null, "annotations": null, "finalizers": null},
                  "spec": {"backoff_limit": null, "selector": null, "template": {"metadata": null, "spec": {
                    "containers": null, "volumes": null, "tolerations": null, "node_selector": null}}}}}
                """;

        Job job = CODEC.readJobSubmission(body.getBytes()).job();

        assertNull(job.getStatus());
        assertNull(job.getMetadata().getName());
        assertNull(job.getSpec().getBackoffLimit());
        // null for a list or map leaves fabric8's empty default, so code adding labels or env needs no null check
        assertEquals(Map.of(), job.getMetadata().getLabels());
        assertEquals(Map.of(), job.getMetadata().getAnnotations());
        var pod = job.getSpec().getTemplate().getSpec();
        assertEquals(List.of(), pod.getContainers());
        assertEquals(List.of(), pod.getVolumes());
        assertEquals(Map.of(), pod.getNodeSelector());
    }

    @Test
    void obsoleteClusterNameIsAcceptedAndDropped() {
        String body = """
                {"job": {"metadata": {"cluster_name": "old", "name": "j"},
                         "spec": {"template": {"metadata": {"clusterName": null}}}}}
                """;

        Job job = CODEC.readJobSubmission(body.getBytes()).job();

        assertEquals("j", job.getMetadata().getName());
        assertEquals(Map.of(), job.getMetadata().getAdditionalProperties());
        assertTrue(!CODEC.writeString(job).contains("cluster"), "cluster_name is not written back");
    }

    @Test
    void numbersAreAcceptedForQuantities() {
        String body = """
                {"job": {"spec": {"template": {"spec": {"containers": [
                  {"name": "job", "resources": {"limits": {"cpu": 2, "memory": "1Gi"}, "requests": {"cpu": 0.5}}}]}}}}}
                """;

        var resources = CODEC.readJobSubmission(body.getBytes()).job().getSpec().getTemplate().getSpec()
                .getContainers().getFirst().getResources();

        assertEquals(new Quantity("2"), resources.getLimits().get("cpu"));
        assertEquals(new Quantity("0.5"), resources.getRequests().get("cpu"));
    }

    // ---- errors ------------------------------------------------------------------------------------------------

    private static WireFormatException rejectJob(String body) {
        try {
            CODEC.readJobSubmission(body.getBytes());
        } catch (WireFormatException e) {
            return e;
        }
        throw new AssertionError("accepted: " + body);
    }

    private static WireFormatException rejectCronJob(String body) {
        try {
            CODEC.readCronJobSubmission(body.getBytes());
        } catch (WireFormatException e) {
            return e;
        }
        throw new AssertionError("accepted: " + body);
    }

    @Test
    void unknownKeyIsRejectedWithItsPath() {
        WireFormatException e = rejectJob("""
                {"job": {"spec": {"template": {"spec": {"containers": [{"name": "job", "imagee": "busybox"}]}}}}}
                """);

        assertEquals(422, e.status());
        assertEquals("Unknown key 'imagee' at job.spec.template.spec.containers[0]", e.getMessage());
    }

    @Test
    void unknownKeyInCapturedRequestIsRejectedWithItsPath() {
        JsonNode body = requestBody("05-job-submit-with-code").deepCopy();
        ((tools.jackson.databind.node.ObjectNode) body.get("job").get("spec").get("template").get("spec")
                .get("containers").get(0).get("env").get(1)).put("valu", "typo");

        WireFormatException e = rejectJob(body.toString());

        assertEquals(422, e.status());
        assertEquals("Unknown key 'valu' at job.spec.template.spec.containers[0].env[1]", e.getMessage());
    }

    @Test
    void unknownKeysAreRejectedAtEveryLevel() {
        assertEquals("Unknown key 'foo' at job", rejectJob("{\"job\": {\"foo\": 1}}").getMessage());
        assertEquals("Unknown key 'labelz' at job.metadata",
                rejectJob("{\"job\": {\"metadata\": {\"labelz\": {}}}}").getMessage());
        assertEquals("Unknown key 'generate_nam' at code.metadata",
                rejectJob("{\"job\": {}, \"code\": {\"metadata\": {\"generate_nam\": \"x\"}}}").getMessage());
        assertEquals("Unknown key 'shedule' at job.spec",
                rejectCronJob("{\"job\": {\"spec\": {\"shedule\": \"* * * * *\"}}}").getMessage());
        assertEquals("Unknown key 'backofflimit' at job.spec.job_template.spec",
                rejectCronJob("{\"job\": {\"spec\": {\"job_template\": {\"spec\": {\"backofflimit\": 1}}}}}")
                        .getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"additionalProperties", "additional_properties"})
    void fabric8InternalsAreNotKeys(String key) {
        WireFormatException e = rejectJob("{\"job\": {\"metadata\": {\"" + key + "\": {\"x\": 1}}}}");

        assertEquals(422, e.status());
        assertEquals("Unknown key '" + key + "' at job.metadata", e.getMessage());
    }

    static Stream<Arguments> wrongTypes() {
        return Stream.of(
                Arguments.of("{\"job\": {\"spec\": {\"backoff_limit\": \"x\"}}}",
                        "Wrong type at job.spec.backoff_limit: expected an integer, got a string (\"x\")"),
                Arguments.of("{\"job\": {\"spec\": {\"backoffLimit\": {}}}}",
                        "Wrong type at job.spec.backoff_limit: expected an integer, got an object"),
                Arguments.of("{\"job\": {\"spec\": {\"template\": {\"spec\": {\"containers\": {\"name\": \"job\"}}}}}}",
                        "Wrong type at job.spec.template.spec.containers: expected a list, got an object"),
                Arguments.of("{\"job\": {\"metadata\": \"x\"}}",
                        "Wrong type at job.metadata: expected an object (ObjectMeta), got a string (\"x\")"),
                Arguments.of("{\"job\": {\"metadata\": {\"labels\": [\"a\"]}}}",
                        "Wrong type at job.metadata.labels: expected an object, got a list"),
                Arguments.of("{\"job\": {\"spec\": {\"suspend\": [true]}}}",
                        "Wrong type at job.spec.suspend: expected a boolean, got a list"),
                Arguments.of("{\"job\": {\"spec\": {\"parallelism\": 1.5}}}",
                        "Wrong type at job.spec.parallelism: expected an integer, got a number (1.5)"),
                Arguments.of("{\"job\": {\"spec\": {\"template\": {\"spec\": {\"containers\": [{\"resources\": "
                                + "{\"limits\": {\"cpu\": true}}}]}}}}}",
                        "Wrong type at job.spec.template.spec.containers[0].resources.limits.cpu: "
                                + "expected a quantity (string or number), got a boolean (true)"),
                Arguments.of("{\"job\": {\"spec\": {\"template\": {\"spec\": {\"containers\": [{\"resources\": "
                                + "{\"limits\": {\"nvidia.com/gpu\": {\"n\": 1}}}}]}}}}}",
                        "Wrong type at job.spec.template.spec.containers[0].resources.limits[\"nvidia.com/gpu\"]: "
                                + "expected a quantity (string or number), got an object"),
                Arguments.of("{\"job\": []}", "Wrong type at job: expected an object (Job), got a list"),
                Arguments.of("{\"job\": {}, \"code\": \"UEsF\"}",
                        "Wrong type at code: expected an object (ConfigMap), got a string (\"UEsF\")"));
    }

    @ParameterizedTest
    @MethodSource("wrongTypes")
    void wrongTypeIsRejectedWithItsPath(String body, String message) {
        WireFormatException e = rejectJob(body);

        assertEquals(422, e.status());
        assertEquals(message, e.getMessage());
    }

    @Test
    void numberOutOfRangeIsRejectedWithItsPath() {
        WireFormatException e = rejectJob("{\"job\": {\"spec\": {\"backoff_limit\": 99999999999}}}");

        assertEquals(422, e.status());
        assertEquals("Invalid value at job.spec.backoff_limit: 99999999999 is out of range for a 32-bit integer"
                + " (-2147483648 to 2147483647)", e.getMessage());
    }

    static Stream<Arguments> coercions() {
        String c0 = "{\"job\": {\"spec\": {\"template\": {\"spec\": {\"containers\": [%s]}}}}}";
        String at = "job.spec.template.spec.containers[0].";
        return Stream.of(
                Arguments.of("{\"job\": {\"spec\": {\"parallelism\": \"2\"}}}",
                        "Wrong type at job.spec.parallelism: expected an integer, got a string (\"2\")"),
                Arguments.of("{\"job\": {\"spec\": {\"backoff_limit\": true}}}",
                        "Wrong type at job.spec.backoff_limit: expected an integer, got a boolean (true)"),
                Arguments.of("{\"job\": {\"spec\": {\"active_deadline_seconds\": \"\"}}}",
                        "Wrong type at job.spec.active_deadline_seconds: expected an integer, got a string (\"\")"),
                Arguments.of("{\"job\": {\"spec\": {\"suspend\": \"true\"}}}",
                        "Wrong type at job.spec.suspend: expected a boolean, got a string (\"true\")"),
                Arguments.of("{\"job\": {\"spec\": {\"suspend\": 0}}}",
                        "Wrong type at job.spec.suspend: expected a boolean, got a number (0)"),
                Arguments.of("{\"job\": {\"metadata\": {\"labels\": {\"tier\": 1}}}}",
                        "Wrong type at job.metadata.labels.tier: expected a string, got a number (1)"),
                Arguments.of("{\"job\": {\"metadata\": {\"annotations\": {\"x\": false}}}}",
                        "Wrong type at job.metadata.annotations.x: expected a string, got a boolean (false)"),
                Arguments.of("{\"job\": {\"metadata\": {\"generate_name\": 7}}}",
                        "Wrong type at job.metadata.generate_name: expected a string, got a number (7)"),
                Arguments.of(c0.formatted("{\"command\": [\"sleep\", 10]}"),
                        "Wrong type at " + at + "command[1]: expected a string, got a number (10)"),
                Arguments.of(c0.formatted("{\"args\": [true]}"),
                        "Wrong type at " + at + "args[0]: expected a string, got a boolean (true)"),
                Arguments.of(c0.formatted("{\"env\": [{\"name\": \"N\", \"value\": 42}]}"),
                        "Wrong type at " + at + "env[0].value: expected a string, got a number (42)"),
                Arguments.of(c0.formatted("{\"ports\": [{\"container_port\": \"80\"}]}"),
                        "Wrong type at " + at + "ports[0].container_port: expected an integer, got a string (\"80\")"),
                Arguments.of(c0.formatted("{\"security_context\": {\"run_as_non_root\": \"yes\"}}"),
                        "Wrong type at " + at + "security_context.run_as_non_root: expected a boolean, got a string"
                                + " (\"yes\")"),
                Arguments.of(c0.formatted("{\"liveness_probe\": {\"tcp_socket\": {\"port\": 8.5}}}"),
                        "Wrong type at " + at + "liveness_probe.tcp_socket.port: expected an integer or a string, got"
                                + " a number (8.5)"),
                Arguments.of(c0.formatted("{\"resources\": {\"limits\": {\"memory\": \"1 GB\"}}}"),
                        "Invalid value at " + at + "resources.limits.memory: a string (\"1 GB\") is not a quantity"
                                + " (such as 500m, 2, 1.5Gi or 1e3)"),
                Arguments.of(c0.formatted("{\"env\": [null]}"),
                        "Wrong type at " + at + "env[0]: expected an object (EnvVar), got null"),
                Arguments.of("{\"job\": {\"spec\": {\"template\": {\"spec\": {\"node_selector\": {\"a\": null}}}}}}",
                        "Wrong type at job.spec.template.spec.node_selector.a: expected a string, got null"));
    }

    @ParameterizedTest
    @MethodSource("coercions")
    void scalarsAreReadAsStrictlyAsTheApiServerReadsThem(String body, String message) {
        WireFormatException e = rejectJob(body);

        assertEquals(422, e.status());
        assertEquals(message, e.getMessage());
    }

    @Test
    void quantitiesAndIntOrStringsTakeBothOfTheirForms() {
        Job job = CODEC.readJobSubmission("""
                {"job": {"spec": {"template": {"spec": {"containers": [{"name": "job",
                  "resources": {"limits": {"cpu": 1.5, "memory": "1Gi"}, "requests": {"cpu": "500m", "memory": 1e9}},
                  "liveness_probe": {"http_get": {"port": "http"}}, "readiness_probe": {"http_get": {"port": 80}}}]}}}}}
                """.getBytes()).job();

        Container c = job.getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertEquals(new Quantity("1.5"), c.getResources().getLimits().get("cpu"));
        assertEquals(new Quantity("1Gi"), c.getResources().getLimits().get("memory"));
        assertEquals(new Quantity("500m"), c.getResources().getRequests().get("cpu"));
        assertEquals("http", c.getLivenessProbe().getHttpGet().getPort().getStrVal());
        assertEquals(80, c.getReadinessProbe().getHttpGet().getPort().getIntVal());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"job\": ", "{\"job\": {}} trailing", "{job: {}}", "{\"job\": {\"kind\": \"Job\",}}",
            "not json"})
    void malformedJsonIsA400(String body) {
        WireFormatException e = rejectJob(body);

        assertEquals(400, e.status());
        assertTrue(e.getMessage().startsWith("Malformed JSON in request body at line 1, column "), e.getMessage());
    }

    @Test
    void malformedJsonIsA400ForPlainReadsToo() {
        WireFormatException e = org.junit.jupiter.api.Assertions.assertThrows(WireFormatException.class,
                () -> CODEC.read("{\"kind\": ".getBytes(), Job.class));

        assertEquals(400, e.status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "\"job\"", "42", "null", "", "   "})
    void bodyThatIsNotAnObjectIsA422(String body) {
        WireFormatException e = rejectJob(body);

        assertEquals(422, e.status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"job\": null}", "{\"code\": {}}"})
    void bodyWithoutJobIsA422(String body) {
        WireFormatException e = rejectJob(body);

        assertEquals(422, e.status());
        assertEquals("Missing 'job' in request body", e.getMessage());
    }

    @Test
    void unknownTopLevelKeyIsA422() {
        WireFormatException e = rejectJob("{\"job\": {}, \"profile\": \"gpu\"}");

        assertEquals(422, e.status());
        assertEquals("Unknown key 'profile' at the top level (expected 'job' and optionally 'code')", e.getMessage());
    }

    @Test
    void plainReadNamesPathsFromTheRoot() {
        WireFormatException unknown = org.junit.jupiter.api.Assertions.assertThrows(WireFormatException.class,
                () -> CODEC.read("{\"spec\": {\"paralelism\": 1}}".getBytes(), Job.class));
        WireFormatException atRoot = org.junit.jupiter.api.Assertions.assertThrows(WireFormatException.class,
                () -> CODEC.read("{\"kindd\": \"Job\"}".getBytes(), Job.class));

        assertEquals("Unknown key 'paralelism' at spec", unknown.getMessage());
        assertEquals("Unknown key 'kindd' at the top level", atRoot.getMessage());
        assertEquals(422, atRoot.status());
    }
}
