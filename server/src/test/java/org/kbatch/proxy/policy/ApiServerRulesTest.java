package org.kbatch.proxy.policy;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kbatch.proxy.errors.ApiException;

/** The API server's rules, applied to what the user sent; the corpus covers them through the server. */
class ApiServerRulesTest {

    private static Job job(String name, String generateName) {
        return new JobBuilder().withNewMetadata().withName(name).withGenerateName(generateName).endMetadata()
                .withNewSpec().withNewTemplate().withNewSpec().addNewContainer().withName("job").withImage("busybox")
                .addNewEnv().withName("A").withValue("1").endEnv().endContainer().endSpec().endTemplate().endSpec()
                .build();
    }

    private static CronJob cronJob(String name, String generateName) {
        Job job = job(null, null);
        return new CronJobBuilder().withNewMetadata().withName(name).withGenerateName(generateName).endMetadata()
                .withNewSpec().withSchedule("* * * * *").withNewJobTemplate().withSpec(job.getSpec())
                .endJobTemplate().endSpec().build();
    }

    private static String refusal(Runnable check) {
        ApiException e = assertThrows(ApiException.class, check::run);
        assertThat(e.status(), is(422));
        return e.detail();
    }

    @Test
    void inASharedNamespaceACronJobsNameMustLeaveRoomForWhatIsAdded() {
        assertDoesNotThrow(() -> ApiServerRules.check(cronJob("c".repeat(46), null), null, true));
        assertDoesNotThrow(() -> ApiServerRules.check(cronJob("c".repeat(52), null), null, false));

        assertThat(refusal(() -> ApiServerRules.check(cronJob("c".repeat(47), null), null, true)),
                is("job.metadata.name: at most 46 characters here, got 47: in this namespace, shared with other"
                        + " users, the proxy makes the name a prefix ('<name>-') to which Kubernetes adds 5 random"
                        + " characters, and a CronJob's name may have at most 52 (the names of the jobs it starts add"
                        + " 11)"));
    }

    @Test
    void aJobsGeneratedNameAlwaysFitsItsLabel() {
        assertDoesNotThrow(() -> ApiServerRules.check(job(null, "j".repeat(200) + "-"), null, false));
        assertDoesNotThrow(() -> ApiServerRules.check(job("j".repeat(63), null), null, true));
    }

    @Test
    void everyProblemIsNamedInOneAnswer() {
        Job bad = new JobBuilder(job("Bad_Name", null)).editMetadata().addToLabels("a b", "c").endMetadata()
                .editSpec().editTemplate().editSpec().editFirstContainer().addNewEnv().withValue("x").endEnv()
                .endContainer().endSpec().endTemplate().endSpec().build();

        assertThat(refusal(() -> ApiServerRules.check(bad, null, false)), is(
                "job.metadata.name: \"Bad_Name\" is not a valid name: lower-case letters, digits, '-' and '.',"
                        + " starting and ending with a letter or digit (a DNS-1123 subdomain)"
                        + "; job.metadata.labels[\"a b\"]: \"a b\" is not a valid label key: an optional DNS-1123"
                        + " subdomain and '/', then a name of at most 63 characters: letters, digits, '-', '_' and"
                        + " '.', starting and ending with a letter or digit"
                        + "; job.spec.template.spec.containers[0].env[1].name: required: every environment variable"
                        + " needs a name"));
    }

    @ParameterizedTest
    @CsvSource({"a-, true", "ab-, true", "my-job-, true", "a.b-, true", "a, true", "-, false", "-a, false",
            "a., false", "a_b-, false", "A-, false", "a--, true", "a.-, false"})
    void generateNamesAreCheckedAsTheApiServerChecksThem(String prefix, boolean valid) {
        assertThat(prefix, ApiServerRules.isPrefix(prefix), is(valid));
    }

    @ParameterizedTest
    @CsvSource({"team, true", "example.com/team, true", "a/b, true", "/team, false", "team/, false",
            "Example.com/team, false", "a b, false", "-team, false", "a/b/c, false", "t_e.a-m, true"})
    void labelKeysAreQualifiedNames(String key, boolean valid) {
        assertThat(key, ApiServerRules.qualifiedNameProblem(key) == null, is(valid));
    }

    @Test
    void envNamesThatCannotBeSecretKeysAreStillAccepted() {
        Job job = new JobBuilder(job("ok", null)).editSpec().editTemplate().editSpec().editFirstContainer()
                .addNewEnv().withName("MY VAR").withValue("x").endEnv()
                .addNewEnv().withName("1st.value").withValue("y").endEnv()
                .endContainer().endSpec().endTemplate().endSpec().build();

        assertDoesNotThrow(() -> ApiServerRules.check(job, null, false));
    }
}
