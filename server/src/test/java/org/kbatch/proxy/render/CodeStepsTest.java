package org.kbatch.proxy.render;

import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

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
        JobTemplateSpec out = pure(withInit, j -> CodeSteps.addUnzipInitContainer(j, "my-job-", "registry.example/tools/busybox:1.36", "IfNotPresent", 1));
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
        assertEquals(CodeSteps.FALLBACK_INIT_CONTAINER_NAME, CodeSteps.addUnzipInitContainer(job(), "x".repeat(60) + "-", "busybox:1.36", "IfNotPresent", 1)
                .getSpec().getTemplate().getSpec().getInitContainers().getFirst().getName());
        assertEquals(CodeSteps.FALLBACK_INIT_CONTAINER_NAME, CodeSteps.addUnzipInitContainer(job(), "a.b", "busybox:1.36", "IfNotPresent", 1)
                .getSpec().getTemplate().getSpec().getInitContainers().getFirst().getName());
        assertEquals("fixed-init", CodeSteps.addUnzipInitContainer(job(), "fixed", "busybox:1.36", "IfNotPresent", 1)
                .getSpec().getTemplate().getSpec().getInitContainers().getFirst().getName());
        assertEquals("kbatch-init", CodeSteps.addUnzipInitContainer(job(), null, "busybox:1.36", "IfNotPresent", 1)
                .getSpec().getTemplate().getSpec().getInitContainers().getFirst().getName());
    }

    @Test
    void codeVolumesAfterTheUsers() {
        JobTemplateSpec out = pure(job(), j -> CodeSteps.addCodeVolumes(j, 1));
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
        assertThrows(InvalidSubmissionException.class, () -> CodeSteps.addCodeVolumes(clash, 1));
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
        JobTemplateSpec withCode = CodeSteps.addCodeVolumes(job(), 1);
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

    @Test
    void aZipOverOneConfigMapIsSpreadOverPartsThatTheInitContainerJoins() {
        byte[] zip = new byte[2 * CodeSteps.PART_BYTES + 123];
        new java.util.Random(7).nextBytes(zip);
        ConfigMap code = new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata()
                .withGenerateName("my-job").endMetadata()
                .withBinaryData(java.util.Map.of("code", java.util.Base64.getEncoder().encodeToString(zip))).build();
        assertEquals(3, CodeSteps.partCount(code));

        List<ConfigMap> parts = CodeSteps.codeConfigMaps(code, "kbatch-me", "me", "my-job-", 3);
        java.io.ByteArrayOutputStream joined = new java.io.ByteArrayOutputStream();
        for (ConfigMap part : parts) {
            byte[] piece = java.util.Base64.getDecoder().decode(part.getBinaryData().get("code"));
            assertTrue(piece.length <= CodeSteps.PART_BYTES, "a part holds at most PART_BYTES");
            joined.writeBytes(piece);
            assertEquals("kbatch-me", part.getMetadata().getNamespace());
            assertEquals("me", part.getMetadata().getLabels().get("kbatch.jupyter.org/username"));
        }
        assertArrayEquals(zip, joined.toByteArray());

        JobTemplateSpec job = CodeSteps.withCodeConfigMapNames(CodeSteps.addCodeVolumes(job(), 3),
                List.of("p0", "p1", "p2"));
        var sources = job.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals(CodeSteps.SOURCE_VOLUME)).findFirst().orElseThrow()
                .getProjected().getSources();
        assertEquals(List.of("p0 code.b64.part-000", "p1 code.b64.part-001", "p2 code.b64.part-002"),
                sources.stream().map(p -> p.getConfigMap().getName() + " "
                        + p.getConfigMap().getItems().getFirst().getPath()).toList());
        String script = CodeSteps.addUnzipInitContainer(job(), "my-job-", "busybox:1.36", "IfNotPresent", 3)
                .getSpec().getTemplate().getSpec().getInitContainers().getFirst().getArgs().get(1);
        assertTrue(script.contains("cat /code-zipped/code.b64.part-* > /code/.kbatch-code.zip"), script);
    }

    @Test
    void aZipOfOneConfigMapStaysOnePart() {
        assertEquals(1, CodeSteps.partCount(Samples.code()));
        assertEquals(List.of(Samples.code().getBinaryData()), CodeSteps.codeConfigMaps(Samples.code(), "ns", "me",
                "p-", 1).stream().map(ConfigMap::getBinaryData).toList());
    }
}
