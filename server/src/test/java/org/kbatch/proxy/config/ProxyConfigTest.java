package org.kbatch.proxy.config;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.hamcrest.Matchers.hasKey;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ProxyConfigTest {

    private static ProxyConfig read(Map<String, String> env) {
        return ProxyConfig.from(Config.just(ConfigSources.create(new HashMap<>(env))));
    }

    @Test
    void defaultsFollowTheReference() {
        ProxyConfig c = read(Map.of("JUPYTERHUB_API_URL", "http://hub:8081/hub/api/"));
        assertThat(c.hubApiUrl(), is("http://hub:8081/hub/api"));
        assertThat(c.serviceName(), is("kbatch"));
        assertThat(c.accessScopes(), is(List.of("access:services!service=kbatch")));
        assertThat(c.prefix(), is(""));
        assertThat(c.ttlSecondsAfterFinished(), is(3600L));
        assertThat(c.createUserNamespace(), is(true));
        assertThat(c.jobExtraEnv(), is(Map.of()));
        assertThat(c.jobTemplate(), nullValue());
        assertThat(c.profiles().toString(), is("{}"));
        assertThat(c.port(), is(8080));
        assertThat(c.initContainerImage(), is("busybox:1.36"));
    }

    @Test
    void theUnzipImageIsConfigurable() {
        assertThat(read(Map.of("KBATCH_INIT_CONTAINER_IMAGE", "registry.internal:5000/mirror/busybox:1.36"))
                .initContainerImage(), is("registry.internal:5000/mirror/busybox:1.36"));
        ConfigException e = assertThrows(ConfigException.class,
                () -> read(Map.of("KBATCH_INIT_CONTAINER_IMAGE", "busybox 1.36")));
        assertThat(e.getMessage(), startsWith("KBATCH_INIT_CONTAINER_IMAGE: must be one image reference"));
    }

    @Test
    void everyVariableIsRead() {
        ProxyConfig c = read(Map.of(
                "JUPYTERHUB_API_URL", "http://hub/hub/api",
                "JUPYTERHUB_SERVICE_NAME", "batch",
                "JUPYTERHUB_OAUTH_ACCESS_SCOPES", "[\"access:services!service=batch\", \"custom:x\"]",
                "KBATCH_PREFIX", "services/batch/",
                "KBATCH_JOB_EXTRA_ENV", "{\"B\": \"2\", \"A\": \"1\", \"DASK_GATEWAY__ADDRESS\": \"http://gw\"}",
                "KBATCH_JOB_TTL_SECONDS_AFTER_FINISHED", "300",
                "KBATCH_CREATE_USER_NAMESPACE", "False",
                "KBATCH_PROFILE_FILE", Path.of("src/test/resources/proxy/profiles.yaml").toString(),
                "KBATCH_JOB_TEMPLATE_FILE", Path.of("src/test/resources/wire/job_template.yaml").toString(),
                "KBATCH_PORT", "9999"));
        assertThat(c.accessScopes(), is(List.of("access:services!service=batch", "custom:x")));
        assertThat(c.prefix(), is("/services/batch"));
        assertThat(List.copyOf(c.jobExtraEnv().keySet()), is(List.of("B", "A", "DASK_GATEWAY__ADDRESS")));
        assertThat(c.ttlSecondsAfterFinished(), is(300L));
        assertThat(c.createUserNamespace(), is(false));
        assertThat(c.profiles().path("small").path("image").asString(), is("busybox:1.36"));
        assertThat((Map<?, ?>) c.jobTemplate().get("metadata"), hasKey("annotations"));
        assertThat(c.port(), is(9999));
    }

    @Test
    void jupyterhubServicePrefixIsTheFallbackPrefix() {
        assertThat(read(Map.of("JUPYTERHUB_SERVICE_PREFIX", "/services/kbatch/")).prefix(), is("/services/kbatch"));
        assertThat(read(Map.of("JUPYTERHUB_SERVICE_PREFIX", "/services/kbatch/", "KBATCH_PREFIX", "/x")).prefix(),
                is("/x"));
    }

    @Test
    void unparseableExtraEnvNamesTheVariable() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> read(Map.of("KBATCH_JOB_EXTRA_ENV", "{not json")));
        assertThat(e.getMessage(), startsWith("KBATCH_JOB_EXTRA_ENV: not valid JSON"));
        ConfigException notObject = assertThrows(ConfigException.class,
                () -> read(Map.of("KBATCH_JOB_EXTRA_ENV", "[\"A\"]")));
        assertThat(notObject.getMessage(), startsWith("KBATCH_JOB_EXTRA_ENV: must be a JSON object"));
    }

    @Test
    void missingFilesNameTheVariable() {
        assertThat(assertThrows(ConfigException.class,
                () -> read(Map.of("KBATCH_JOB_TEMPLATE_FILE", "/nope/template.yaml"))).getMessage(),
                is("KBATCH_JOB_TEMPLATE_FILE: file not found: /nope/template.yaml"));
        assertThat(assertThrows(ConfigException.class,
                () -> read(Map.of("KBATCH_PROFILE_FILE", "/nope/profiles.yaml"))).getMessage(),
                is("KBATCH_PROFILE_FILE: file not found: /nope/profiles.yaml"));
    }

    @Test
    void badNumbersAndBooleansNameTheVariable() {
        assertThat(assertThrows(ConfigException.class,
                () -> read(Map.of("KBATCH_JOB_TTL_SECONDS_AFTER_FINISHED", "soon"))).getMessage(),
                startsWith("KBATCH_JOB_TTL_SECONDS_AFTER_FINISHED: must be a whole number"));
        assertThat(assertThrows(ConfigException.class,
                () -> read(Map.of("KBATCH_CREATE_USER_NAMESPACE", "maybe"))).getMessage(),
                startsWith("KBATCH_CREATE_USER_NAMESPACE: must be true or false"));
        assertThat(assertThrows(ConfigException.class,
                () -> read(Map.of("JUPYTERHUB_OAUTH_ACCESS_SCOPES", "access:services"))).getMessage(),
                startsWith("JUPYTERHUB_OAUTH_ACCESS_SCOPES: not valid JSON"));
    }

    @Test
    void theLogFormatIsTextOrJson() {
        assertThat(read(Map.of()).jsonLogs(), is(false));
        assertThat(read(Map.of("KBATCH_LOG_FORMAT", "JSON")).jsonLogs(), is(true));
        assertThat(read(Map.of("KBATCH_LOG_FORMAT", "text")).jsonLogs(), is(false));
        assertThat(assertThrows(ConfigException.class,
                () -> read(Map.of("KBATCH_LOG_FORMAT", "xml"))).getMessage(),
                is("KBATCH_LOG_FORMAT: must be text or json, got 'xml'"));
    }

    @Test
    void aHubIsRequiredOutsideTheDemo() {
        assertThat(assertThrows(ConfigException.class, () -> read(Map.of()).requireHub()).getMessage(),
                startsWith("JUPYTERHUB_API_URL: not set"));
    }
}
