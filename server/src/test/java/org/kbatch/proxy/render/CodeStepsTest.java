package org.kbatch.proxy.render;

import org.kbatch.proxy.testing.WireFixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.kbatch.proxy.render.Samples.job;
import static org.kbatch.proxy.render.Samples.pure;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpecBuilder;
import org.junit.jupiter.api.Test;

class CodeStepsTest {

    @Test
    void unzipInitContainerComesFirst() {
        JobTemplateSpec withInit = new JobTemplateSpecBuilder(job()).editSpec().editTemplate().editSpec()
                .addNewInitContainer().withName("users-init").withImage("x").endInitContainer()
                .endSpec().endTemplate().endSpec().build();
        JobTemplateSpec out = pure(withInit, j -> CodeSteps.addUnzipInitContainer(j, "my-job-", "registry.example/tools/busybox:1.36", "IfNotPresent"));
        List<Container> inits = out.getSpec().getTemplate().getSpec().getInitContainers();
        assertEquals(List.of("my-job--init", "users-init"), inits.stream().map(Container::getName).toList());
        Container unzip = inits.getFirst();
        assertEquals("registry.example/tools/busybox:1.36", unzip.getImage());
        assertEquals("IfNotPresent", unzip.getImagePullPolicy());
        assertEquals(List.of("/bin/sh"), unzip.getCommand());
        assertEquals(List.of("-c",
                "echo [unzip]; unzip -d /code/ /code-zipped/code.b64 ;echo [ls code] ; ls /code ;"), unzip.getArgs());
        VolumeMount zipped = unzip.getVolumeMounts().get(0);
        assertEquals(List.of("code-source-volume", "/code-zipped", false),
                List.of(zipped.getName(), zipped.getMountPath(), zipped.getReadOnly()));
        VolumeMount code = unzip.getVolumeMounts().get(1);
        assertEquals(List.of("code-volume", "/code"), List.of(code.getName(), code.getMountPath()));
    }

    @Test
    void initContainerNameFallsBackWhenNotAValidContainerName() {
        assertEquals(CodeSteps.FALLBACK_INIT_CONTAINER_NAME, CodeSteps.addUnzipInitContainer(job(), "x".repeat(60) + "-", "busybox:1.36", "IfNotPresent")
                .getSpec().getTemplate().getSpec().getInitContainers().getFirst().getName());
        assertEquals(CodeSteps.FALLBACK_INIT_CONTAINER_NAME, CodeSteps.addUnzipInitContainer(job(), "a.b", "busybox:1.36", "IfNotPresent")
                .getSpec().getTemplate().getSpec().getInitContainers().getFirst().getName());
        assertEquals("fixed-init", CodeSteps.addUnzipInitContainer(job(), "fixed", "busybox:1.36", "IfNotPresent")
                .getSpec().getTemplate().getSpec().getInitContainers().getFirst().getName());
        assertEquals("kbatch-init", CodeSteps.addUnzipInitContainer(job(), null, "busybox:1.36", "IfNotPresent")
                .getSpec().getTemplate().getSpec().getInitContainers().getFirst().getName());
    }

    @Test
    void codeVolumesAfterTheUsers() {
        JobTemplateSpec out = pure(job(), CodeSteps::addCodeVolumes);
        List<Volume> volumes = out.getSpec().getTemplate().getSpec().getVolumes();
        assertEquals(List.of("data", "code-source-volume", "code-volume"),
                volumes.stream().map(Volume::getName).toList());
        var source = volumes.get(1).getConfigMap();
        assertEquals(CodeSteps.PENDING_CONFIGMAP_NAME, source.getName());
        assertEquals(false, source.getOptional());
        assertEquals("code", source.getItems().getFirst().getKey());
        assertEquals("code.b64", source.getItems().getFirst().getPath());
        assertEquals(new VolumeBuilder().withName("code-volume").withNewEmptyDir().endEmptyDir().build(),
                volumes.get(2));
    }

    @Test
    void reservedVolumeNamesAreRefused() {
        JobTemplateSpec clash = new JobTemplateSpecBuilder(job()).editSpec().editTemplate().editSpec()
                .addNewVolume().withName("code-volume").withNewEmptyDir().endEmptyDir().endVolume()
                .endSpec().endTemplate().endSpec().build();
        assertThrows(InvalidSubmissionException.class, () -> CodeSteps.addCodeVolumes(clash));
    }

    @Test
    void codeMountedIntoTheFirstContainerOnly() {
        JobTemplateSpec out = pure(job(), CodeSteps::mountCode);
        List<Container> containers = out.getSpec().getTemplate().getSpec().getContainers();
        assertEquals(List.of("data", "code-volume"),
                containers.get(0).getVolumeMounts().stream().map(VolumeMount::getName).toList());
        assertEquals("/code", containers.get(0).getVolumeMounts().get(1).getMountPath());
        assertEquals(List.of(), containers.get(1).getVolumeMounts());
    }

    @Test
    void codeConfigMapInTheUsersNamespaceWithTheLabel() {
        ConfigMap out = pure(Samples.code(), c -> CodeSteps.codeConfigMap(c, "kbatch-me", "me", "my-job-"));
        assertEquals("kbatch-me", out.getMetadata().getNamespace());
        assertEquals(Map.of("kbatch.jupyter.org/username", "me"), out.getMetadata().getLabels());
        assertEquals("my-job", out.getMetadata().getGenerateName());
        assertEquals(Map.of("code", "UEsDBBQ="), out.getBinaryData());
    }

    @Test
    void codeWithoutANameIsNamedLikeTheJobsOtherCompanions() {
        ConfigMap unnamed = new io.fabric8.kubernetes.api.model.ConfigMapBuilder(Samples.code())
                .editMetadata().withGenerateName("").endMetadata().build();
        ConfigMap bare = new io.fabric8.kubernetes.api.model.ConfigMapBuilder(Samples.code()).withMetadata(null)
                .build();

        assertEquals("fixed-", CodeSteps.codeConfigMap(unnamed, "ns", "me", "fixed-").getMetadata().getGenerateName());
        assertEquals("fixed-", CodeSteps.codeConfigMap(bare, "ns", "me", "fixed-").getMetadata().getGenerateName());
        assertEquals("my-job", CodeSteps.codeConfigMap(Samples.code(), "ns", "me", "fixed-").getMetadata()
                .getGenerateName());
    }

    @Test
    void configMapNameGoesIntoTheVolumeFoundByName() {
        JobTemplateSpec withCode = CodeSteps.addCodeVolumes(job());
        // Put a user volume after ours: the volume is found by name, not by position.
        JobTemplateSpec reordered = new JobTemplateSpecBuilder(withCode).editSpec().editTemplate().editSpec()
                .addNewVolume().withName("later").withNewConfigMap().withName("users-own").endConfigMap().endVolume()
                .endSpec().endTemplate().endSpec().build();
        JobTemplateSpec out = pure(reordered, j -> CodeSteps.withCodeConfigMapName(j, "my-jobx7k2p"));
        List<Volume> volumes = out.getSpec().getTemplate().getSpec().getVolumes();
        assertEquals("my-jobx7k2p", volumes.get(1).getConfigMap().getName());
        assertEquals("users-own", volumes.get(3).getConfigMap().getName());
        assertFalse(WireFixtures.SERIALIZATION.asJson(out).contains(CodeSteps.PENDING_CONFIGMAP_NAME));
    }

    @Test
    void configMapNameNeedsTheCodeVolume() {
        assertThrows(IllegalStateException.class, () -> CodeSteps.withCodeConfigMapName(job(), "x"));
    }
}
