package org.kbatch.proxy.render;

import org.kbatch.proxy.testing.WireFixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.Function;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpecBuilder;
import org.kbatch.proxy.caller.Caller;
import org.kbatch.proxy.caller.Placement;
import org.kbatch.proxy.naming.UserNamespace;

/** Small jobs as the CLI builds them, and a check that a step leaves its input alone. */
final class Samples {

    private Samples() {
    }

    /** A caller in their own namespace ({@code kbatch-<user>}). */
    static Caller caller(String username, String token) {
        return new Caller(username, token, new Placement(UserNamespace.of(username), false, true));
    }

    /** A job part like the CLI's: one container {@code job}, env, labels, a user volume. */
    static JobTemplateSpec job() {
        return new JobTemplateSpecBuilder()
                .withNewMetadata()
                .withGenerateName("my-job-")
                .addToLabels("team", "blue")
                .endMetadata()
                .withNewSpec()
                .withBackoffLimit(0)
                .withTtlSecondsAfterFinished(300)
                .withNewTemplate()
                .withNewMetadata().withName("my-job-pod").endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .addNewContainer()
                .withName("job")
                .withImage("busybox:1.36")
                .withWorkingDir("/code")
                .addNewEnv().withName("USER_VAR").withValue("user-value").endEnv()
                .addNewVolumeMount().withName("data").withMountPath("/data").endVolumeMount()
                .endContainer()
                .addNewContainer()
                .withName("sidecar")
                .withImage("sidecar:1")
                .addNewEnv().withName("SIDECAR_VAR").withValue("s").endEnv()
                .endContainer()
                .addNewVolume().withName("data").withNewEmptyDir().endEmptyDir().endVolume()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    static Job jobWorkload() {
        JobTemplateSpec part = job();
        return new JobBuilder().withMetadata(part.getMetadata()).withSpec(part.getSpec()).build();
    }

    static CronJob cronJobWorkload() {
        JobTemplateSpec part = job();
        return new CronJobBuilder()
                .withNewMetadata().withGenerateName("my-cron-").endMetadata()
                .withNewSpec().withSchedule("*/5 * * * *").withJobTemplate(part).endSpec()
                .build();
    }

    static ConfigMap code() {
        return new ConfigMapBuilder()
                .withNewMetadata().withGenerateName("my-job").endMetadata()
                .addToBinaryData("code", "UEsDBBQ=")
                .build();
    }

    /** Applies {@code step} and fails if it changed its input in any way. */
    static <T, R> R pure(T input, Function<T, R> step) {
        String before = WireFixtures.SERIALIZATION.asJson(input);
        R result = step.apply(input);
        assertEquals(before, WireFixtures.SERIALIZATION.asJson(input), "the step modified its input");
        return result;
    }
}
