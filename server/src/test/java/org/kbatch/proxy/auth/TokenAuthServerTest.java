package org.kbatch.proxy.auth;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kbatch.client.ApiException;
import org.kbatch.client.api.JobsApi;
import org.kbatch.client.api.ServiceApi;
import org.kbatch.client.model.User;
import org.kbatch.proxy.testing.ProxyServer;
import org.kbatch.proxy.testing.StubHub;
import org.kbatch.proxy.testing.TestServers;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The token check over HTTP, against a stub hub that answers like JupyterHub's {@code GET /hub/api/user}. */
class TokenAuthServerTest {

    @RegisterExtension
    static final ProxyServer PROXY = ProxyServer.withoutKubernetes()
            .user("alice-token", "alice", List.of("analysts"), List.of("access:services!service=kbatch"))
            .user("bob-token", "bob")
            .user("carol-token", "carol", List.of(), List.of("read:users:name!user=carol", "access:servers!user=carol"))
            .user("admin-token", "root", List.of(), List.of("access:services", "admin:users"))
            .build();
    private static final StubHub HUB = PROXY.hub();

    private final ServiceApi service;
    private final JobsApi jobs;
    private final URI uri;

    TokenAuthServerTest(URI uri) {
        this.uri = uri;
        this.service = new ServiceApi(TestServers.client(uri, ""));
        this.jobs = new JobsApi(TestServers.client(uri, ""));
    }

    @Test
    void tokenSchemeIdentifiesTheUser() throws ApiException {
        User user = service.getAuthorized(Map.of("Authorization", "token alice-token"));
        assertThat(user.getName(), is("alice"));
        assertThat(user.getGroups(), is(List.of("analysts")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer bob-token", "bearer bob-token", "TOKEN bob-token", "Token   bob-token"})
    void bearerAndAnyCaseOfTheSchemeWork(String header) throws ApiException {
        assertThat(service.getAuthorized(Map.of("Authorization", header)).getName(), is("bob"));
    }

    @Test
    void missingHeaderIs401() {
        ApiException e = assertThrows(ApiException.class, () -> service.getAuthorized());
        assertThat(e.getCode(), is(401));
        assertThat(e.getResponseBody(), is("{\"detail\":\"Incorrect token\"}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "token", "Basic YWxpY2U6cHc=", "alice-token", "token alice-token extra", "Bearer "})
    void garbledHeaderIs401(String header) {
        ApiException e = assertThrows(ApiException.class,
                () -> service.getAuthorized(Map.of("Authorization", header)));
        assertThat(e.getCode(), is(401));
        assertThat(e.getResponseBody(), containsString("Incorrect token"));
    }

    @Test
    void unknownTokenIs401OnEveryApiRoute() {
        ApiException e = assertThrows(ApiException.class, () -> jobs.listJobs(null, TestServers.token("not-a-valid-token")));
        assertThat(e.getCode(), is(401));
        assertThat(e.getResponseBody(), is("{\"detail\":\"Incorrect token\"}"));
    }

    @Test
    void tokenWithoutTheAccessScopeIs403NamingTheScopes() {
        ApiException e = assertThrows(ApiException.class, () -> jobs.listJobs(null, TestServers.token("carol-token")));
        assertThat(e.getCode(), is(403));
        assertThat(e.getResponseBody(), containsString("access:servers!user=carol"));
        assertThat(e.getResponseBody(), containsString("Needs scope(s): access:services!service=kbatch"));
    }

    @Test
    void unfilteredAccessServicesScopeIsEnough() throws ApiException {
        assertThat(service.getAuthorized(TestServers.token("admin-token")).getName(), is("root"));
    }

    @Test
    void hubAnswersAreCachedPerToken() throws Exception {
        HUB.user("cache-token", "dora");
        int before = HUB.lookups();
        service.getAuthorized(TestServers.token("cache-token"));
        service.getAuthorized(TestServers.token("cache-token"));
        service.getAuthorized(Map.of("Authorization", "Bearer cache-token"));
        assertThat(HUB.lookups() - before, is(1));
    }

    @Test
    void anUnreachableKubernetesApiIs503WithADetail() {
        // This server's Kubernetes API URL has nothing listening behind it.
        ApiException e = assertThrows(ApiException.class, () -> jobs.listJobs(null, TestServers.token("alice-token")));
        assertThat(e.getCode(), is(503));
        assertThat(e.getResponseBody(), is("{\"detail\":\"The Kubernetes API cannot be reached\"}"));
    }

    @Test
    void rootAndProfilesNeedNoToken() throws Exception {
        assertThat(service.getRoot().getMessage(), is("kbatch"));
        assertThat(service.getProfiles(), is(Map.of()));
    }

    @Test
    void unknownRouteIsJson404() throws Exception {
        HttpResponse<String> res = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(uri.resolve("/no/such/route")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode(), is(404));
        assertThat(res.headers().firstValue("Content-Type").orElse(""), is("application/json"));
        assertThat(res.body(), containsString("\"detail\""));
    }

    @Test
    void healthAndOpenApiNeedNoToken() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(uri.resolve("/observe/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode() / 100, is(2));
        HttpResponse<String> openapi = http.send(HttpRequest.newBuilder(uri.resolve("/openapi")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(openapi.statusCode(), is(200));
        assertThat(openapi.body(), containsString("operationId: submitJob"));
    }
}
