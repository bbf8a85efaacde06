package org.kbatch.proxy.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.kbatch.proxy.render.Samples.job;
import static org.kbatch.proxy.render.Samples.pure;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpecBuilder;
import org.junit.jupiter.api.Test;

class JobStepsTest {

    private static final String KEY = "kbatch.jupyter.org/username";

    @Test
    void requireContainersRefusesJobsThatCannotRun() {
        JobTemplateSpec runnable = job();
        assertSame(runnable, JobSteps.requireContainers(runnable));
        assertThrows(InvalidSubmissionException.class, () -> JobSteps.requireContainers(new JobTemplateSpec()));
        JobTemplateSpec noContainers = new JobTemplateSpecBuilder(job())
                .editSpec().editTemplate().editSpec().withContainers(List.of()).endSpec().endTemplate().endSpec()
                .build();
        var e = assertThrows(InvalidSubmissionException.class, () -> JobSteps.requireContainers(noContainers));
        assertEquals("The job has no containers (spec.template.spec.containers)", e.getMessage());
    }

    @Test
    void forceNamespaceOnJobAndPodTemplate() {
        JobTemplateSpec input = new JobTemplateSpecBuilder(job()).editMetadata().withNamespace("elsewhere")
                .endMetadata().build();
        JobTemplateSpec out = pure(input, j -> JobSteps.forceNamespace(j, "kbatch-me"));
        assertEquals("kbatch-me", out.getMetadata().getNamespace());
        assertEquals("kbatch-me", out.getSpec().getTemplate().getMetadata().getNamespace());
    }

    @Test
    void forceNamespaceCreatesMissingPodMetadata() {
        JobTemplateSpec input = new JobTemplateSpecBuilder(job()).editSpec().editTemplate().withMetadata(null)
                .endTemplate().endSpec().withMetadata(null).build();
        JobTemplateSpec out = pure(input, j -> JobSteps.forceNamespace(j, "kbatch-me"));
        assertEquals("kbatch-me", out.getMetadata().getNamespace());
        assertEquals("kbatch-me", out.getSpec().getTemplate().getMetadata().getNamespace());
    }

    @Test
    void usernameAnnotationIsTheRawName() {
        JobTemplateSpec out = pure(job(), j -> JobSteps.addUsernameAnnotation(j, "Jane.Doe@example.org"));
        assertEquals(Map.of(KEY, "Jane.Doe@example.org"), out.getMetadata().getAnnotations());
        assertEquals(Map.of(KEY, "Jane.Doe@example.org"), out.getSpec().getTemplate().getMetadata().getAnnotations());
    }

    @Test
    void usernameLabelKeepsTheUsersLabels() {
        JobTemplateSpec out = pure(job(), j -> JobSteps.addUsernameLabel(j, "jane-2Edoe"));
        assertEquals(Map.of("team", "blue", KEY, "jane-2Edoe"), out.getMetadata().getLabels());
        assertEquals(Map.of(KEY, "jane-2Edoe"), out.getSpec().getTemplate().getMetadata().getLabels());
    }

    @Test
    void usernameLabelReplacesAForgedOne() {
        JobTemplateSpec forged = new JobTemplateSpecBuilder(job()).editMetadata().addToLabels(KEY, "someone-else")
                .endMetadata().build();
        assertEquals("me", JobSteps.addUsernameLabel(forged, "me").getMetadata().getLabels().get(KEY));
    }

    @Test
    void extraEnvInOrderAfterTheUsersEnvInTheFirstContainerOnly() {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("Z_FIRST", "1");
        extra.put("A_SECOND", "2");
        JobTemplateSpec out = pure(job(), j -> JobSteps.addExtraEnv(j, extra));
        assertEquals(List.of("USER_VAR", "Z_FIRST", "A_SECOND"), envNames(container(out, 0)));
        assertEquals("2", container(out, 0).getEnv().get(2).getValue());
        assertEquals(List.of("SIDECAR_VAR"), envNames(container(out, 1)));
    }

    @Test
    void noExtraEnvChangesNothing() {
        assertEquals(job(), JobSteps.addExtraEnv(job(), Map.of()));
    }

    @Test
    void jupyterImageEnvIsTheFirstContainersImage() {
        JobTemplateSpec out = pure(job(), JobSteps::addJupyterImageEnv);
        List<EnvVar> env = container(out, 0).getEnv();
        assertEquals(List.of("USER_VAR", "JUPYTER_IMAGE", "JUPYTER_IMAGE_SPEC"), envNames(container(out, 0)));
        assertEquals("busybox:1.36", env.get(1).getValue());
        assertEquals("busybox:1.36", env.get(2).getValue());
    }

    @Test
    void apiTokenEnvWhenThereIsAToken() {
        JobTemplateSpec out = pure(job(), j -> JobSteps.addApiTokenEnv(j, "secret-token"));
        EnvVar token = container(out, 0).getEnv().getLast();
        assertEquals("JUPYTERHUB_API_TOKEN", token.getName());
        assertEquals("secret-token", token.getValue());
        assertEquals(job(), JobSteps.addApiTokenEnv(job(), null));
        assertEquals(job(), JobSteps.addApiTokenEnv(job(), ""));
    }

    @Test
    void theUserCannotOverrideTheTokenOrTheExtraEnv() {
        JobTemplateSpec forged = Models.withFirstContainer(job(), c -> new io.fabric8.kubernetes.api.model.ContainerBuilder(c)
                .addNewEnv().withName("JUPYTERHUB_API_TOKEN").withValue("someone-elses").endEnv()
                .addNewEnv().withName("DASK_GATEWAY__ADDRESS").withValue("http://evil").endEnv().build());
        JobTemplateSpec out = JobSteps.addApiTokenEnv(JobSteps.addExtraEnv(forged,
                Map.of("DASK_GATEWAY__ADDRESS", "http://gateway")), "my-token");
        List<EnvVar> env = container(out, 0).getEnv();
        assertEquals(List.of("USER_VAR", "DASK_GATEWAY__ADDRESS", "JUPYTERHUB_API_TOKEN"), envNames(container(out, 0)));
        assertEquals("http://gateway", env.get(1).getValue());
        assertEquals("my-token", env.get(2).getValue());
    }

    @Test
    void ttlReplacesTheUsers() {
        JobTemplateSpec out = pure(job(), j -> JobSteps.setTtlSecondsAfterFinished(j, 3600));
        assertEquals(3600, out.getSpec().getTtlSecondsAfterFinished());
        assertEquals(0, out.getSpec().getBackoffLimit());
    }

    @Test
    void stepsLeaveTheRestAlone() {
        JobTemplateSpec out = JobSteps.addApiTokenEnv(job(), "t");
        JobTemplateSpec expected = job();
        assertEquals(expected.getMetadata(), out.getMetadata());
        assertEquals(expected.getSpec().getTemplate().getSpec().getVolumes(),
                out.getSpec().getTemplate().getSpec().getVolumes());
        assertEquals(container(expected, 1), container(out, 1));
    }

    static Container container(JobTemplateSpec job, int index) {
        return job.getSpec().getTemplate().getSpec().getContainers().get(index);
    }

    static List<String> envNames(Container c) {
        return c.getEnv().stream().map(EnvVar::getName).toList();
    }
}
