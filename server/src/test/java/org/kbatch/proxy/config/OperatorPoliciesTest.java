package org.kbatch.proxy.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Quantity;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kbatch.proxy.policy.OperatorPolicy;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The operator's rules as configured: every setting read under its name, unset meaning no rule, the group rules
 * merged most generously, and every bad value (or unknown placeholder) stopping startup with a line naming it.
 */
class OperatorPoliciesTest {

    private static ProxyConfig read(Map<String, String> env) {
        return ProxyConfig.from(Config.just(ConfigSources.create(new HashMap<>(env))));
    }

    @Test
    void unsetMeansNoRule() {
        OperatorPolicy none = read(Map.of()).policies().forUser(List.of("staff"));
        assertThat(none.allowedImages(), nullValue());
        assertThat(none.maxActiveJobs(), nullValue());
        assertThat(none.maxCronJobs(), nullValue());
        assertThat(none.maxContainerResources(), is(Map.of()));
        assertThat(none.defaultActiveDeadlineSeconds(), nullValue());
        assertThat(none.maxActiveDeadlineSeconds(), nullValue());
    }

    @Test
    void everySettingIsReadAndGroupsMergeMostGenerously() {
        ProxyConfig c = read(Map.of(
                "KBATCH_ALLOWED_IMAGES", "ghcr.io/myorg/*, docker.io/pangeo/*:*",
                "KBATCH_MAX_ACTIVE_JOBS", "10",
                "KBATCH_MAX_CRONJOBS", "2",
                "KBATCH_MAX_CONTAINER_RESOURCES", "{\"cpu\": \"4\", \"memory\": \"16Gi\", \"nvidia.com/gpu\": 0}",
                "KBATCH_DEFAULT_CONTAINER_RESOURCES", "{\"cpu\": \"1\"}",
                "KBATCH_DEFAULT_ACTIVE_DEADLINE_SECONDS", "3600",
                "KBATCH_MAX_ACTIVE_DEADLINE_SECONDS", "86400",
                "KBATCH_GROUP_POLICIES", """
                        {"a": {"allowed_images": ["nvcr.io/*"], "max_active_jobs": 20, "max_cronjobs": 1,
                               "max_container_resources": {"nvidia.com/gpu": "1"}},
                         "b": {"allowed_images": ["quay.io/x/*"], "max_active_jobs": 15,
                               "max_container_resources": {"nvidia.com/gpu": "2", "cpu": "500m"},
                               "default_active_deadline_seconds": 7200}}"""));
        OperatorPolicy base = c.policies().forUser(List.of("other"));
        assertThat(base.allowedImages(), is(List.of("ghcr.io/myorg/*", "docker.io/pangeo/*:*")));
        assertThat(base.maxActiveJobs(), is(10));
        assertThat(base.maxContainerResources().get("memory"), is(new Quantity("16Gi")));

        OperatorPolicy both = c.policies().forUser(List.of("b", "a"));
        assertThat(both.allowedImages(), is(List.of("quay.io/x/*", "nvcr.io/*")));
        assertThat(both.maxActiveJobs(), is(20));
        assertThat(both.source("max_active_jobs"), is("KBATCH_GROUP_POLICIES max_active_jobs of group a"));
        // A group's setting replaces the KBATCH_* one for its members, even when it is smaller (a sets 1 cronjob).
        assertThat(both.maxCronJobs(), is(1));
        // Per resource: the larger of the groups' (gpu 2 from b; cpu 500m from b, the only group that sets cpu);
        // memory, which no group sets, from KBATCH_*.
        assertThat(both.maxContainerResources().get("nvidia.com/gpu"), is(new Quantity("2")));
        assertThat(both.maxContainerResources().get("cpu"), is(new Quantity("500m")));
        assertThat(both.maxContainerResources().get("memory"), is(new Quantity("16Gi")));
        assertThat(both.defaultActiveDeadlineSeconds(), is(7200L));
        assertThat(both.maxActiveDeadlineSeconds(), is(86400L));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "KBATCH_MAX_ACTIVE_JOBS|ten|KBATCH_MAX_ACTIVE_JOBS: must be a whole number, got 'ten'",
            "KBATCH_MAX_CRONJOBS|-1|KBATCH_MAX_CRONJOBS: must be between 0 and 1000000, got -1",
            "KBATCH_MAX_ACTIVE_DEADLINE_SECONDS|0|KBATCH_MAX_ACTIVE_DEADLINE_SECONDS: must be between 1 and 31536000, got 0",
            "KBATCH_ALLOWED_IMAGES|' , '|KBATCH_ALLOWED_IMAGES: must be image patterns separated by commas, such as ghcr.io/myorg/*, got ','",
            "KBATCH_MAX_CONTAINER_RESOURCES|{\"cpu\": \"four\"}|KBATCH_MAX_CONTAINER_RESOURCES: not a Kubernetes quantity (such as 4, 500m, 16Gi): cpu=\"four\"",
            "KBATCH_DEFAULT_CONTAINER_RESOURCES|[1]|KBATCH_DEFAULT_CONTAINER_RESOURCES: must be a JSON object",
            "KBATCH_GROUP_POLICIES|{\"staff\": {\"max_jobs\": 5}}|KBATCH_GROUP_POLICIES: group 'staff' has an unknown setting 'max_jobs'; the settings are allowed_images, max_active_jobs, max_cronjobs, max_container_resources, default_container_resources, default_active_deadline_seconds, max_active_deadline_seconds",
            "KBATCH_GROUP_POLICIES|{\"staff\": {\"max_active_jobs\": \"5\"}}|KBATCH_GROUP_POLICIES: group 'staff' max_active_jobs must be a whole number, got \"5\"",
            "KBATCH_GROUP_POLICIES|{\"staff\": 5}|KBATCH_GROUP_POLICIES: group 'staff' must map to an object of settings, e.g. {\"max_active_jobs\": 10}"})
    void aBadSettingStopsStartupNamingIt(String variable, String value, String message) {
        ConfigException e = assertThrows(ConfigException.class, () -> read(Map.of(variable, value)));
        assertThat(e.getMessage(), is(message));
    }

    @Test
    void aDefaultOverItsMaximumStopsStartup() {
        ConfigException deadline = assertThrows(ConfigException.class, () -> read(Map.of(
                "KBATCH_DEFAULT_ACTIVE_DEADLINE_SECONDS", "7200", "KBATCH_MAX_ACTIVE_DEADLINE_SECONDS", "3600")));
        assertThat(deadline.getMessage(), is("KBATCH_DEFAULT_ACTIVE_DEADLINE_SECONDS: is 7200, more than the maximum 3600"));
        ConfigException resources = assertThrows(ConfigException.class, () -> read(Map.of(
                "KBATCH_DEFAULT_CONTAINER_RESOURCES", "{\"memory\": \"8Gi\"}",
                "KBATCH_MAX_CONTAINER_RESOURCES", "{\"memory\": \"4Gi\"}")));
        assertThat(resources.getMessage(), is("KBATCH_DEFAULT_CONTAINER_RESOURCES: memory is 8Gi, more than the maximum 4Gi"));
    }

    @Test
    void anUnknownPlaceholderStopsStartupNamingIt(@TempDir Path dir) throws Exception {
        Path template = Files.writeString(dir.resolve("template.yaml"), """
                spec:
                  template:
                    spec:
                      volumes:
                        - name: home
                          persistentVolumeClaim:
                            claimName: claim-{user_name}
                """);
        ConfigException e = assertThrows(ConfigException.class,
                () -> read(Map.of("KBATCH_JOB_TEMPLATE_FILE", template.toString())));
        assertThat(e.getMessage(), is("KBATCH_JOB_TEMPLATE_FILE: unknown placeholder {user_name}; the placeholders are"
                + " {escaped_username}, {group}, {namespace}, {safe_username}, {username}"));
        ConfigException env = assertThrows(ConfigException.class,
                () -> read(Map.of("KBATCH_JOB_EXTRA_ENV", "{\"OWNER\": \"{usr}\"}")));
        assertThat(env.getMessage(), is("KBATCH_JOB_EXTRA_ENV: unknown placeholder {usr}; the placeholders are"
                + " {escaped_username}, {group}, {namespace}, {safe_username}, {username}"));
        // Upper-case names in braces are the job's own environment (Dask Gateway expands them): left alone.
        assertThat(read(Map.of("KBATCH_JOB_EXTRA_ENV",
                "{\"DASK_GATEWAY__CLUSTER__OPTIONS__IMAGE\": \"{JUPYTER_IMAGE_SPEC}\"}")).jobExtraEnv()
                .get("DASK_GATEWAY__CLUSTER__OPTIONS__IMAGE"), is("{JUPYTER_IMAGE_SPEC}"));
    }
}
