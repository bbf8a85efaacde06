package org.kbatch.proxy.render;

import org.kbatch.proxy.testing.WireFixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import org.junit.jupiter.api.Test;
import org.kbatch.proxy.caller.Caller;

class JobRendererTest {

    private static final String KEY = "kbatch.jupyter.org/username";
    private static final Caller CALLER = Samples.caller("Jane.Doe@example.org", "tok3n");
    private static final String NAMESPACE = "kbatch-jane-doe-example-org--258389d";
    private static final String LABEL = "jane-doe-example-org--258389d";

    private static RenderSettings settings() {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("SITE", "here");
        return new RenderSettings(Map.of("spec", Map.of("template", Map.of("spec",
                Map.of("nodeSelector", Map.of("pool", "batch"))))), extra, 3600);
    }

    @Test
    void rendersAJobWithoutTouchingTheInputs() {
        Job job = Samples.jobWorkload();
        ConfigMap code = Samples.code();
        String jobBefore = WireFixtures.SERIALIZATION.asJson(job);
        String codeBefore = WireFixtures.SERIALIZATION.asJson(code);

        RenderedSubmission<Job> r = JobRenderer.render(job, code, CALLER, settings());

        assertEquals(jobBefore, WireFixtures.SERIALIZATION.asJson(job));
        assertEquals(codeBefore, WireFixtures.SERIALIZATION.asJson(code));
        assertEquals(NAMESPACE, r.namespace());
        Job out = r.workload();
        assertEquals(NAMESPACE, out.getMetadata().getNamespace());
        assertEquals(LABEL, out.getMetadata().getLabels().get(KEY));
        var pod = out.getSpec().getTemplate().getSpec();
        assertEquals(Map.of("pool", "batch"), pod.getNodeSelector());
        assertEquals(List.of("USER_VAR", "SITE", "JUPYTER_IMAGE", "JUPYTER_IMAGE_SPEC", "JUPYTERHUB_API_TOKEN"),
                pod.getContainers().getFirst().getEnv().stream().map(EnvVar::getName).toList());
        assertTrue(pod.getContainers().getFirst().getEnv().stream().allMatch(e -> e.getValue() == null));
        assertEquals(3600, out.getSpec().getTtlSecondsAfterFinished());
        assertEquals("my-job--init", pod.getInitContainers().getFirst().getName());
        assertEquals(NAMESPACE, r.code().getMetadata().getNamespace());
        assertEquals(NAMESPACE, r.secret().getMetadata().getNamespace());
        assertEquals(LABEL, r.secret().getMetadata().getLabels().get(KEY));
    }

    @Test
    void theUnzipImageIsPinnedAndConfigurable() {
        var pinned = JobRenderer.render(Samples.jobWorkload(), Samples.code(), CALLER, RenderSettings.defaults())
                .workload().getSpec().getTemplate().getSpec().getInitContainers().getFirst();
        assertEquals(List.of("busybox:1.36", "IfNotPresent"), List.of(pinned.getImage(), pinned.getImagePullPolicy()));

        RenderSettings mirrored = new RenderSettings(null, Map.of(), 3600, "mirror.example/busybox:1.36", "IfNotPresent");
        assertEquals("mirror.example/busybox:1.36", JobRenderer.render(Samples.jobWorkload(), Samples.code(), CALLER,
                mirrored).workload().getSpec().getTemplate().getSpec().getInitContainers().getFirst().getImage());
    }

    @Test
    void theAdminTemplateOverridesTheUnzipImageWithoutAddingAContainer() {
        Map<String, Object> template = Map.of("spec", Map.of("template", Map.of("spec", Map.of(
                "nodeSelector", Map.of("pool", "batch"),
                "initContainers", List.of(
                        Map.of("name", "kbatch-unzip-code", "image", "tools.example/unzip:2", "imagePullPolicy", "Always"),
                        Map.of("name", "admin-init", "image", "busybox:1.36"))))));
        RenderSettings settings = new RenderSettings(template, Map.of(), 3600);

        var withCode = JobRenderer.render(Samples.jobWorkload(), Samples.code(), CALLER, settings)
                .workload().getSpec().getTemplate().getSpec();
        assertEquals(List.of("my-job--init", "admin-init"),
                withCode.getInitContainers().stream().map(c -> c.getName()).toList());
        assertEquals(List.of("tools.example/unzip:2", "Always"), List.of(withCode.getInitContainers().getFirst()
                .getImage(), withCode.getInitContainers().getFirst().getImagePullPolicy()));
        assertEquals(Map.of("pool", "batch"), withCode.getNodeSelector());

        var withoutCode = JobRenderer.render(Samples.jobWorkload(), null, CALLER, settings)
                .workload().getSpec().getTemplate().getSpec();
        assertEquals(List.of("admin-init"), withoutCode.getInitContainers().stream().map(c -> c.getName()).toList());
    }

    @Test
    void aBlankUnzipImageIsAConfigurationError() {
        assertThrows(IllegalArgumentException.class, () -> new RenderSettings(null, Map.of(), 3600, " ", "IfNotPresent"));
        assertThrows(IllegalArgumentException.class,
                () -> new RenderSettings(null, Map.of(), 3600, "busybox 1.36", "IfNotPresent"));
    }

    @Test
    void withoutCodeNoCodeParts() {
        RenderedSubmission<Job> r = JobRenderer.render(Samples.jobWorkload(), null, CALLER, RenderSettings.defaults());
        assertNull(r.code());
        var pod = r.workload().getSpec().getTemplate().getSpec();
        assertEquals(List.of(), pod.getInitContainers());
        assertEquals(List.of("data"), pod.getVolumes().stream().map(v -> v.getName()).toList());
    }

    @Test
    void cronJobStepsApplyToItsJobTemplate() {
        CronJob cron = Samples.cronJobWorkload();
        String before = WireFixtures.SERIALIZATION.asJson(cron);

        RenderedSubmission<CronJob> r = JobRenderer.render(cron, Samples.code(), CALLER, settings());

        assertEquals(before, WireFixtures.SERIALIZATION.asJson(cron));
        CronJob out = r.workload();
        assertEquals("*/5 * * * *", out.getSpec().getSchedule());
        var jobTemplate = out.getSpec().getJobTemplate();
        for (ObjectMeta meta : List.of(out.getMetadata(), jobTemplate.getMetadata(),
                jobTemplate.getSpec().getTemplate().getMetadata())) {
            assertEquals(NAMESPACE, meta.getNamespace());
            assertEquals(LABEL, meta.getLabels().get(KEY));
            assertEquals(CALLER.username(), meta.getAnnotations().get(KEY));
        }
        var pod = jobTemplate.getSpec().getTemplate().getSpec();
        assertEquals(Map.of("pool", "batch"), pod.getNodeSelector());
        assertEquals(3600, jobTemplate.getSpec().getTtlSecondsAfterFinished());
        // Companions are named after the CronJob: Kubernetes ignores its job template's names.
        assertEquals("my-cron--init", pod.getInitContainers().getFirst().getName());
        assertEquals("my-cron-", r.secret().getMetadata().getGenerateName());

        CronJob filled = r.withSecretName("my-job-abcde").withCodeConfigMapName("my-jobfghij").workload();
        String json = WireFixtures.SERIALIZATION.asJson(filled);
        assertFalse(json.contains("<pending"), json);
        assertTrue(json.contains("\"name\":\"my-job-abcde\"") && json.contains("\"name\":\"my-jobfghij\""), json);
    }

    @Test
    void aCronJobWithoutJobTemplateHasNoContainers() {
        CronJob bare = new CronJobBuilder().withNewMetadata().withName("c").endMetadata()
                .withNewSpec().withSchedule("* * * * *").endSpec().build();
        assertThrows(InvalidSubmissionException.class,
                () -> JobRenderer.render(bare, null, CALLER, RenderSettings.defaults()));
    }

    @Test
    void aJobWithoutContainersIsRefused() {
        Job empty = new JobBuilder().withNewMetadata().withGenerateName("x-").endMetadata().build();
        assertThrows(InvalidSubmissionException.class,
                () -> JobRenderer.render(empty, null, CALLER, RenderSettings.defaults()));
    }

    @Test
    void onlyJobsAndCronJobs() {
        Pod pod = new PodBuilder().withNewMetadata().withName("p").endMetadata().build();
        assertThrows(IllegalArgumentException.class,
                () -> JobRenderer.render(pod, null, CALLER, RenderSettings.defaults()));
    }

    @Test
    void noLiteralEnvNoSecret() {
        Job job = new JobBuilder().withNewMetadata().withGenerateName("x-").endMetadata()
                .withNewSpec().withNewTemplate().withNewSpec()
                .withContainers(new ContainerBuilder().withName("job").build()) // no image: JUPYTER_IMAGE unset
                .endSpec().endTemplate().endSpec().build();
        RenderedSubmission<Job> r = JobRenderer.render(job, null, Samples.caller("u", null), RenderSettings.defaults());
        assertNull(r.secret());
    }

    @Test
    void ownerReferenceOfTheCreatedWorkload() {
        Job created = new JobBuilder(Samples.jobWorkload()).editMetadata().withName("my-job-x1y2z")
                .withUid("ebb06780-6dc5-4abe-b7c5-32abad6956e0").endMetadata().build();
        OwnerReference ref = JobRenderer.ownerReference(created);
        assertEquals("batch/v1", ref.getApiVersion());
        assertEquals("Job", ref.getKind());
        assertEquals("my-job-x1y2z", ref.getName());
        assertEquals("ebb06780-6dc5-4abe-b7c5-32abad6956e0", ref.getUid());
        assertNull(ref.getController());
        assertNull(ref.getBlockOwnerDeletion());

        CronJob cron = new CronJobBuilder(Samples.cronJobWorkload()).editMetadata().withName("c").withUid("u")
                .endMetadata().build();
        assertEquals("CronJob", JobRenderer.ownerReference(cron).getKind());
        assertThrows(IllegalArgumentException.class, () -> JobRenderer.ownerReference(Samples.jobWorkload()));
    }

    @Test
    void theOwnerReferenceNamesTheCreatedWorkload() {
        RenderedSubmission<Job> r = JobRenderer.render(Samples.jobWorkload(), null, CALLER, RenderSettings.defaults());
        OwnerReference owner = JobRenderer.ownerReference(new JobBuilder(r.workload()).editMetadata()
                .withName("n").withUid("u").endMetadata().build());
        assertEquals(List.of("batch/v1", "Job", "n", "u"),
                List.of(owner.getApiVersion(), owner.getKind(), owner.getName(), owner.getUid()));
        assertThrows(IllegalArgumentException.class, () -> JobRenderer.ownerReference(r.workload()));
    }

    @Test
    void tokensStayOutOfToString() {
        RenderedSubmission<Job> r = JobRenderer.render(Samples.jobWorkload(), null, CALLER, RenderSettings.defaults());
        assertFalse(CALLER.toString().contains("tok3n"));
        String b64 = java.util.Base64.getEncoder().encodeToString("tok3n".getBytes());
        assertFalse(r.toString().contains(b64), r.toString());
        assertTrue(r.toString().contains("JUPYTERHUB_API_TOKEN"), r.toString());
    }
}
