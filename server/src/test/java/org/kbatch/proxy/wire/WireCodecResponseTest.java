package org.kbatch.proxy.wire;

import org.kbatch.proxy.testing.WireFixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kbatch.proxy.testing.WireFixtures.bytes;
import static org.kbatch.proxy.testing.WireFixtures.cover;
import static org.kbatch.proxy.testing.WireFixtures.pathsOfKey;
import static org.kbatch.proxy.testing.WireFixtures.responseBody;
import static org.kbatch.proxy.testing.WireFixtures.tree;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ListMetaBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobList;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobList;
import io.fabric8.kubernetes.api.model.batch.v1.JobListBuilder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/** Writing what the CLI reads: the reference's response bodies captured in {@code wire/}, and the dialect's rules. */
class WireCodecResponseTest {

    private static final WireCodec CODEC = WireCodec.create();

    static Stream<Arguments> referenceResponses() {
        return Stream.of(
                Arguments.of("05-job-submit-with-code", Job.class),
                Arguments.of("07-job-submit-from-file", Job.class),
                Arguments.of("09-job-submit-gpu-profile", Job.class),
                Arguments.of("10-job-submit-failing", Job.class),
                Arguments.of("11-job-list", JobList.class),
                Arguments.of("12-job-list-json", JobList.class),
                Arguments.of("13-job-show", Job.class),
                Arguments.of("14-pod-list-for-job", PodList.class),
                Arguments.of("15-pod-list", PodList.class),
                Arguments.of("16-job-show-completed", Job.class),
                Arguments.of("17-job-show-failed", Job.class),
                Arguments.of("18-job-list-completed", JobList.class),
                Arguments.of("25-job-delete", Status.class),
                Arguments.of("26-cronjob-submit", CronJob.class),
                Arguments.of("27-cronjob-list", CronJobList.class),
                Arguments.of("28-cronjob-show", CronJob.class),
                Arguments.of("29-cronjob-delete", Status.class));
    }

    /**
     * Parse the reference's answer into fabric8's model and write it again: every key the reference emitted comes
     * back with an equal value, except the keys fabric8's model lacks. Of the keys in these captures, fabric8 lacks
     * only {@code metadata.cluster_name} (ObjectMeta.clusterName, removed in Kubernetes 1.25; python-kubernetes 22.6
     * still has it, always null). Keys only we write (fields newer than python-kubernetes 22.6, e.g.
     * {@code spec.backoff_limit_per_index}, {@code spec.host_users}, {@code metadata.shard_info}) are null.
     */
    @ParameterizedTest
    @MethodSource("referenceResponses")
    void referenceResponsesSurviveFabric8(String fixture, Class<?> type) {
        JsonNode reference = responseBody(fixture);

        Object model = CODEC.read(bytes(reference), type);
        JsonNode emitted = tree(CODEC.write(model));

        WireFixtures.Coverage coverage = cover(reference, emitted);
        assertEquals(pathsOfKey(reference, "cluster_name"), coverage.missing(), "keys lost");
        assertEquals(List.of(), coverage.different(), "values changed");
        assertEquals(List.of(), coverage.inventedValues(), "values that the reference did not have");
        assertEquals(model, CODEC.read(CODEC.write(model), type), "written form reads back to the same model");
    }

    @Test
    void clusterNameIsTheOnlyReferenceKeyFabric8Lacks() {
        Set<String> lacking = new TreeSet<>();
        referenceResponses().forEach(arguments -> {
            String fixture = (String) arguments.get()[0];
            JsonNode reference = responseBody(fixture);
            JsonNode emitted = tree(CODEC.write(CODEC.read(bytes(reference), (Class<?>) arguments.get()[1])));
            cover(reference, emitted).missing().forEach(path -> lacking.add(path.substring(path.lastIndexOf('.') + 1)));
        });

        assertEquals(Set.of("cluster_name"), lacking);
    }

    @Test
    void jobWithEmptyStatusHasEveryStatusKeyAsNull() {
        Job job = new JobBuilder().withNewMetadata().withName("j").endMetadata().withNewStatus().endStatus().build();

        JsonNode written = tree(CODEC.write(job));

        JsonNode status = written.get("status");
        for (String key : List.of("active", "succeeded", "failed", "ready", "start_time", "completion_time",
                "conditions", "completed_indexes", "uncounted_terminated_pods")) {
            assertTrue(status.has(key), "status." + key + " present");
            assertTrue(status.get(key).isNull(), "status." + key + " null");
        }
        JsonNode metadata = written.get("metadata");
        for (String key : List.of("creation_timestamp", "deletion_timestamp", "namespace", "uid", "labels",
                "annotations", "owner_references", "generate_name", "resource_version")) {
            assertTrue(metadata.has(key) && metadata.get(key).isNull(), "metadata." + key + " present as null");
        }
        assertTrue(written.has("spec") && written.get("spec").isNull(), "spec present as null");
        assertEquals("batch/v1", written.get("api_version").asString());
        assertEquals("Job", written.get("kind").asString());
    }

    @Test
    void jobWithoutStatusHasStatusNull() {
        JsonNode written = tree(CODEC.write(new JobBuilder().withNewMetadata().withName("j").endMetadata().build()));

        assertTrue(written.has("status"));
        assertTrue(written.get("status").isNull());
    }

    @Test
    void timestampsGetAnExplicitOffset() {
        Job job = new JobBuilder()
                .withNewMetadata().withName("j").withCreationTimestamp("2021-11-03T13:49:41Z")
                .addToLabels("stamp", "2021-11-03T13:49:41Z").endMetadata()
                .withNewSpec().withNewTemplate().withNewSpec().addNewContainer().withName("job")
                .addNewEnv().withName("WHEN").withValue("2021-11-03T13:49:41Z").endEnv()
                .endContainer().endSpec().endTemplate().endSpec()
                .withNewStatus().withStartTime("2021-11-03T13:49:41Z").withCompletionTime("2021-11-03T13:50:02.5Z")
                .addNewCondition().withType("Complete").withStatus("True")
                .withLastTransitionTime("2021-11-03T13:50:02Z").withLastProbeTime("2021-11-03T13:50:02+00:00")
                .endCondition().endStatus()
                .build();

        JsonNode written = tree(CODEC.write(job));

        assertEquals("2021-11-03T13:49:41+00:00", written.get("metadata").get("creation_timestamp").asString());
        assertEquals("2021-11-03T13:49:41+00:00", written.get("status").get("start_time").asString());
        assertEquals("2021-11-03T13:50:02.5+00:00", written.get("status").get("completion_time").asString());
        JsonNode condition = written.get("status").get("conditions").get(0);
        assertEquals("2021-11-03T13:50:02+00:00", condition.get("last_transition_time").asString());
        assertEquals("2021-11-03T13:50:02+00:00", condition.get("last_probe_time").asString());
        // only timestamp fields: a user's env value or label that looks like one stays as it is
        assertEquals("2021-11-03T13:49:41Z", written.get("metadata").get("labels").get("stamp").asString());
        assertEquals("2021-11-03T13:49:41Z", written.get("spec").get("template").get("spec").get("containers")
                .get(0).get("env").get(0).get("value").asString());
    }

    @Test
    void podTimestampsGetAnExplicitOffset() {
        var pod = new PodBuilder().withNewMetadata().withName("p").endMetadata()
                .withNewStatus().withStartTime("2021-11-03T13:49:41Z").addNewContainerStatus().withName("job")
                .withNewState().withNewTerminated().withStartedAt("2021-11-03T13:49:42Z")
                .withFinishedAt("2021-11-03T13:49:50Z").withExitCode(0).endTerminated().endState()
                .endContainerStatus().endStatus().build();

        JsonNode status = tree(CODEC.write(pod)).get("status");

        assertEquals("2021-11-03T13:49:41+00:00", status.get("start_time").asString());
        JsonNode terminated = status.get("container_statuses").get(0).get("state").get("terminated");
        assertEquals("2021-11-03T13:49:42+00:00", terminated.get("started_at").asString());
        assertEquals("2021-11-03T13:49:50+00:00", terminated.get("finished_at").asString());
    }

    @Test
    void listMetaContinueIsUnderscored() {
        JobList list = new JobListBuilder().withMetadata(new ListMetaBuilder().withContinue("token-1")
                .withResourceVersion("42").build()).build();

        JsonNode metadata = tree(CODEC.write(list)).get("metadata");

        assertEquals("token-1", metadata.get("_continue").asString());
        assertFalse(metadata.has("continue"));
        assertTrue(metadata.has("remaining_item_count") && metadata.get("remaining_item_count").isNull());
        assertEquals("token-1", CODEC.read(CODEC.write(list), JobList.class).getMetadata().getContinue());
        assertEquals("token-2", CODEC.read("{\"metadata\": {\"continue\": \"token-2\"}}".getBytes(StandardCharsets.UTF_8),
                JobList.class).getMetadata().getContinue());
    }

    @Test
    void emptyListMetaStillHasContinueKey() {
        JsonNode metadata = tree(CODEC.write(new JobListBuilder().withMetadata(new ListMetaBuilder().build()).build()))
                .get("metadata");

        assertTrue(metadata.has("_continue") && metadata.get("_continue").isNull());
    }

    @Test
    void execActionIsUnderscoredInProbesAndLifecycle() {
        var container = new ContainerBuilder().withName("job")
                .withNewLivenessProbe().withNewExec().withCommand("cat", "/tmp/ok").endExec().endLivenessProbe()
                .withNewLifecycle().withNewPreStop().withNewExec().withCommand("sh", "-c", "sleep 1").endExec()
                .endPreStop().endLifecycle()
                .build();

        JsonNode written = tree(CODEC.write(container));

        assertEquals("/tmp/ok", written.get("liveness_probe").get("_exec").get("command").get(1).asString());
        assertFalse(written.get("liveness_probe").has("exec"));
        assertEquals("sleep 1", written.get("lifecycle").get("pre_stop").get("_exec").get("command").get(2).asString());
        assertEquals(container, CODEC.read(CODEC.write(container), io.fabric8.kubernetes.api.model.Container.class));
        assertEquals(List.of("true"), CODEC.read(
                "{\"livenessProbe\": {\"exec\": {\"command\": [\"true\"]}}}".getBytes(StandardCharsets.UTF_8),
                io.fabric8.kubernetes.api.model.Container.class).getLivenessProbe().getExec().getCommand());
    }

    @Test
    void quantitiesAndIntOrStringAreWrittenAsKubernetesWritesThem() {
        var container = new ContainerBuilder().withName("job")
                .withNewResources().addToLimits("memory", new Quantity("512Mi"))
                .addToLimits("nvidia.com/gpu", new Quantity("1")).addToRequests("cpu", new Quantity("500m"))
                .endResources()
                .withNewReadinessProbe().withNewHttpGet().withPath("/health").withPort(new IntOrString(8080))
                .endHttpGet().endReadinessProbe()
                .withNewLivenessProbe().withNewTcpSocket().withPort(new IntOrString("http")).endTcpSocket()
                .endLivenessProbe()
                .build();

        JsonNode written = tree(CODEC.write(container));

        JsonNode resources = written.get("resources");
        assertEquals("512Mi", resources.get("limits").get("memory").asString());
        assertTrue(resources.get("limits").get("memory").isString());
        assertEquals("1", resources.get("limits").get("nvidia.com/gpu").asString());
        assertEquals("500m", resources.get("requests").get("cpu").asString());
        JsonNode port = written.get("readiness_probe").get("http_get").get("port");
        assertTrue(port.isInt(), "integer port stays a number: " + port);
        assertEquals(8080, port.asInt());
        assertEquals("http", written.get("liveness_probe").get("tcp_socket").get("port").asString());
    }

    @Test
    void propertyNamesFollowThePythonClient() {
        var pod = new PodBuilder().withNewMetadata().withName("p").endMetadata()
                .withNewSpec().withHostIPC(true).withHostPID(false).withHostNetwork(true).withSetHostnameAsFQDN(true)
                .withNewSecurityContext().withFsGroup(1000L).withRunAsNonRoot(true).endSecurityContext()
                .endSpec()
                .withNewStatus().withPodIP("10.0.0.1").addNewPodIP("10.0.0.1").withHostIP("192.168.0.1")
                .endStatus()
                .build();

        JsonNode written = tree(CODEC.write(pod));

        JsonNode spec = written.get("spec");
        assertTrue(spec.get("host_ipc").asBoolean());
        assertFalse(spec.get("host_pid").asBoolean());
        assertTrue(spec.get("host_network").asBoolean());
        assertTrue(spec.get("set_hostname_as_fqdn").asBoolean());
        assertEquals(1000, spec.get("security_context").get("fs_group").asInt());
        assertTrue(spec.get("security_context").get("run_as_non_root").asBoolean());
        JsonNode status = written.get("status");
        assertEquals("10.0.0.1", status.get("pod_ip").asString());
        assertEquals("10.0.0.1", status.get("pod_i_ps").get(0).get("ip").asString());
        assertEquals("192.168.0.1", status.get("host_ip").asString());
        assertTrue(status.has("host_i_ps"));
        assertEquals(pod, CODEC.read(CODEC.write(pod), io.fabric8.kubernetes.api.model.Pod.class));
    }

    @Test
    void emptyListsAndMapsAreWrittenAsNull() {
        ConfigMap configMap = new ConfigMapBuilder().withNewMetadata().withName("c").endMetadata().build();
        Job job = new JobBuilder().withNewSpec().withNewTemplate().withNewSpec().addNewContainer().withName("job")
                .withNewResources().endResources().endContainer().endSpec().endTemplate().endSpec().build();

        JsonNode writtenConfigMap = tree(CODEC.write(configMap));
        JsonNode container = tree(CODEC.write(job)).get("spec").get("template").get("spec").get("containers").get(0);

        assertTrue(writtenConfigMap.get("data").isNull());
        assertTrue(writtenConfigMap.get("binary_data").isNull());
        assertTrue(writtenConfigMap.get("metadata").get("labels").isNull());
        assertTrue(writtenConfigMap.get("metadata").get("finalizers").isNull());
        assertTrue(container.get("env").isNull());
        assertTrue(container.get("resources").get("limits").isNull());
        assertTrue(container.get("resources").get("requests").isNull());
    }

    @Test
    void otherObjectsKeepTheirShapeWithModelsInsideInTheDialect() {
        Map<String, Object> value = Map.of("detail", "oops", "items",
                List.of(new JobBuilder().withNewMetadata().withName("j").withCreationTimestamp("2021-11-03T13:49:41Z")
                        .endMetadata().build()));

        JsonNode written = tree(CODEC.write(value));

        assertEquals("oops", written.get("detail").asString());
        JsonNode metadata = written.get("items").get(0).get("metadata");
        assertEquals("2021-11-03T13:49:41+00:00", metadata.get("creation_timestamp").asString());
        assertEquals("j", metadata.get("name").asString());
        assertEquals(written, tree(CODEC.writeString(value).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void submissionIsWrittenWithJobAndCode() {
        JobSubmission submission = new JobSubmission(new JobBuilder().withNewMetadata().withGenerateName("x-")
                .endMetadata().build(), null);

        JsonNode written = tree(CODEC.write(submission));

        assertEquals("x-", written.get("job").get("metadata").get("generate_name").asString());
        assertTrue(written.has("code") && written.get("code").isNull());
        assertEquals(submission, CODEC.readJobSubmission(CODEC.write(submission)));
    }
}
