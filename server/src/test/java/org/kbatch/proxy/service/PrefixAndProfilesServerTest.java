package org.kbatch.proxy.service;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kbatch.client.ApiClient;
import org.kbatch.client.api.ServiceApi;
import org.kbatch.proxy.testing.ProxyServer;
import org.kbatch.proxy.testing.StubHub;
import org.kbatch.proxy.testing.TestServers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** Routes under KBATCH_PREFIX, with and without trailing slash; GET / outside it; the admin's profiles as JSON. */
class PrefixAndProfilesServerTest {

    private static final String PREFIX = "/services/kbatch";
    @RegisterExtension
    static final ProxyServer PROXY = ProxyServer.withoutKubernetes().user("alice-token", "alice")
            .env("KBATCH_PREFIX", PREFIX)
            .env("KBATCH_PROFILE_FILE", Path.of("src/test/resources/proxy/profiles.yaml").toString())
            .build();
    private static final StubHub HUB = PROXY.hub();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final URI uri;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    PrefixAndProfilesServerTest(URI uri) {
        this.uri = uri;
    }

    @Test
    void profilesAreTheYamlFileAsJsonLikeTheReference() throws Exception {
        JsonNode expected = JSON.readTree(Path.of("src/test/resources/proxy/04-profiles.json").toFile())
                .path("response").path("body");
        ApiClient client = TestServers.client(uri, PREFIX);
        HttpResponse<String> res = get(PREFIX + "/profiles/", null);
        assertThat(res.statusCode(), is(200));
        assertThat(JSON.readTree(res.body()), is(expected));
        // and through the generated client, as a typed map of profiles
        assertThat(new ServiceApi(client).getProfiles().get("gpu").getImage(), is("busybox:1.36-gpu"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", PREFIX, PREFIX + "/"})
    void rootAnswersInsideAndOutsideThePrefix(String path) throws Exception {
        HttpResponse<String> res = get(path, null);
        assertThat(res.statusCode(), is(200));
        assertThat(res.body(), is("{\"message\":\"kbatch\"}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {PREFIX + "/authorized", PREFIX + "/authorized/"})
    void authorizedWithAndWithoutTrailingSlash(String path) throws Exception {
        HttpResponse<String> res = get(path, "token alice-token");
        assertThat(res.statusCode(), is(200));
        assertThat(JSON.readTree(res.body()), is(JSON.readTree("{\"name\":\"alice\",\"groups\":[]}")));
    }

    @ParameterizedTest
    @ValueSource(strings = {PREFIX + "/profiles", PREFIX + "/profiles/"})
    void profilesWithAndWithoutTrailingSlash(String path) throws Exception {
        assertThat(get(path, null).statusCode(), is(200));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/authorized", "/profiles/", "/jobs/"})
    void apiRoutesDoNotAnswerOutsideThePrefix(String path) throws Exception {
        assertThat(get(path, "token alice-token").statusCode(), is(404));
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(uri.resolve(path));
        if (authorization != null) {
            req.header("Authorization", authorization);
        }
        return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }
}
