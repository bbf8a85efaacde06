package org.kbatch.proxy.render;

import org.kbatch.proxy.testing.WireFixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.kbatch.proxy.render.Samples.job;
import static org.kbatch.proxy.render.Samples.pure;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpecBuilder;
import org.junit.jupiter.api.Test;

class EnvSecretTest {

    private static final EnvVar USERS_OWN_SECRET_REF = new EnvVarBuilder().withName("FROM_SECRET")
            .withNewValueFrom().withNewSecretKeyRef().withName("users-secret").withKey("k").endSecretKeyRef()
            .endValueFrom().build();

    /** The sample with an init container with env, a non-ASCII value and the user's own secret reference. */
    private static JobTemplateSpec richJob() {
        return new JobTemplateSpecBuilder(job()).editSpec().editTemplate().editSpec()
                .editFirstContainer()
                .addNewEnv().withName("GREETING").withValue("grüß dich").endEnv()
                .addToEnv(USERS_OWN_SECRET_REF)
                .endContainer()
                .addNewInitContainer().withName("prep").withImage("x")
                .addNewEnv().withName("INIT_VAR").withValue("i").endEnv()
                .endInitContainer()
                .endSpec().endTemplate().endSpec().build();
    }

    @Test
    void literalValuesOfEveryContainerMoveIntoTheSecret() {
        EnvSecret.Extraction out = pure(richJob(), j -> EnvSecret.extract(j, "kbatch-me", "my-job-"));
        Secret secret = out.secret();
        assertEquals(Map.of(
                "USER_VAR", b64("user-value"),
                "GREETING", b64("grüß dich"),
                "SIDECAR_VAR", b64("s"),
                "INIT_VAR", b64("i")), secret.getData());
        assertEquals("Opaque", secret.getType());
        assertEquals("my-job-", secret.getMetadata().getGenerateName());
        assertNull(secret.getMetadata().getName());
        assertEquals("kbatch-me", secret.getMetadata().getNamespace());
        assertEquals(Map.of("team", "blue"), secret.getMetadata().getLabels());

        var pod = out.job().getSpec().getTemplate().getSpec();
        List<EnvVar> env = pod.getContainers().getFirst().getEnv();
        assertEquals(List.of("USER_VAR", "GREETING", "FROM_SECRET"), env.stream().map(EnvVar::getName).toList());
        assertPendingRef(env.get(0), "USER_VAR");
        assertPendingRef(env.get(1), "GREETING");
        assertEquals(USERS_OWN_SECRET_REF, env.get(2));
        assertPendingRef(pod.getContainers().get(1).getEnv().getFirst(), "SIDECAR_VAR");
        assertPendingRef(pod.getInitContainers().getFirst().getEnv().getFirst(), "INIT_VAR");
    }

    @Test
    void noLiteralValuesNoSecret() {
        JobTemplateSpec noValues = new JobTemplateSpecBuilder(job()).editSpec().editTemplate().editSpec()
                .withContainers(new io.fabric8.kubernetes.api.model.ContainerBuilder().withName("job").withImage("x")
                        .withEnv(USERS_OWN_SECRET_REF).build())
                .endSpec().endTemplate().endSpec().build();
        EnvSecret.Extraction out = EnvSecret.extract(noValues, "kbatch-me", "my-job-");
        assertNull(out.secret());
        assertSame(noValues, out.job());
    }

    @Test
    void sameNameWithDifferentValuesKeepsBothValues() {
        JobTemplateSpec clash = new JobTemplateSpecBuilder(job()).editSpec().editTemplate().editSpec()
                .editLastContainer().addNewEnv().withName("USER_VAR").withValue("other").endEnv().endContainer()
                .endSpec().endTemplate().endSpec().build();
        EnvSecret.Extraction out = EnvSecret.extract(clash, "ns", "my-job-");
        assertEquals(b64("user-value"), out.secret().getData().get("USER_VAR"));
        assertEquals(b64("other"), out.secret().getData().get("USER_VAR-2"));
        List<Container> containers = out.job().getSpec().getTemplate().getSpec().getContainers();
        assertEquals("USER_VAR-2", containers.get(1).getEnv().get(1).getValueFrom().getSecretKeyRef().getKey());
        assertEquals("USER_VAR", containers.get(1).getEnv().get(1).getName());
    }

    @Test
    void secretGetsTheGenerateNameItIsGiven() {
        assertEquals("cron-", EnvSecret.extract(job(), "ns", "cron-").secret().getMetadata().getGenerateName());
    }

    @Test
    void namesThatCannotBeSecretKeysAreStoredUnderKeysThatCan() {
        JobTemplateSpec odd = new JobTemplateSpecBuilder(job()).editSpec().editTemplate().editSpec()
                .editFirstContainer()
                .addNewEnv().withName("MY VAR").withValue("a").endEnv()
                .addNewEnv().withName("MY_VAR").withValue("b").endEnv()
                .addNewEnv().withName("..dots").withValue("c").endEnv()
                .endContainer()
                .endSpec().endTemplate().endSpec().build();

        EnvSecret.Extraction out = EnvSecret.extract(odd, "ns", "my-job-");

        assertEquals(b64("a"), out.secret().getData().get("MY_VAR"));
        assertEquals(b64("b"), out.secret().getData().get("MY_VAR-2"));
        assertEquals(b64("c"), out.secret().getData().get("_..dots"));
        List<EnvVar> env = out.job().getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv();
        assertEquals("MY VAR", env.get(1).getName());
        assertEquals("MY_VAR", env.get(1).getValueFrom().getSecretKeyRef().getKey());
        assertEquals("MY_VAR-2", env.get(2).getValueFrom().getSecretKeyRef().getKey());
    }

    @Test
    void anEmptyValueBesideAValueFromLeavesTheValueFromAlone() {
        EnvVar both = new EnvVarBuilder(USERS_OWN_SECRET_REF).withValue("").build();
        JobTemplateSpec job = new JobTemplateSpecBuilder(job()).editSpec().editTemplate().editSpec()
                .editFirstContainer().withEnv(both).endContainer()
                .endSpec().endTemplate().endSpec().build();

        EnvSecret.Extraction out = EnvSecret.extract(job, "ns", "my-job-");

        assertEquals(both, out.job().getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv().getFirst());
        assertEquals(Map.of("SIDECAR_VAR", b64("s")), out.secret().getData());
    }

    @Test
    void secretNameFillsExactlyThePendingReferences() {
        JobTemplateSpec extracted = EnvSecret.extract(richJob(), "ns", "my-job-").job();
        JobTemplateSpec out = pure(extracted, j -> EnvSecret.withSecretName(j, "my-job-q8z4r"));
        var pod = out.getSpec().getTemplate().getSpec();
        List<EnvVar> env = pod.getContainers().getFirst().getEnv();
        assertEquals("my-job-q8z4r", env.get(0).getValueFrom().getSecretKeyRef().getName());
        assertEquals("USER_VAR", env.get(0).getValueFrom().getSecretKeyRef().getKey());
        assertEquals(USERS_OWN_SECRET_REF, env.get(2));
        assertEquals("my-job-q8z4r", pod.getInitContainers().getFirst().getEnv().getFirst().getValueFrom()
                .getSecretKeyRef().getName());
        assertEquals(-1, WireFixtures.SERIALIZATION.asJson(out).indexOf(EnvSecret.PENDING_SECRET_NAME));
    }

    private static void assertPendingRef(EnvVar env, String key) {
        assertNull(env.getValue());
        assertEquals(EnvSecret.PENDING_SECRET_NAME, env.getValueFrom().getSecretKeyRef().getName());
        assertEquals(key, env.getValueFrom().getSecretKeyRef().getKey());
    }

    private static String b64(String s) {
        return java.util.Base64.getEncoder().encodeToString(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
