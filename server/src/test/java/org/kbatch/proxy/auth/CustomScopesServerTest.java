package org.kbatch.proxy.auth;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.kbatch.client.ApiException;
import org.kbatch.client.api.ServiceApi;
import org.kbatch.proxy.testing.ProxyServer;
import org.kbatch.proxy.testing.StubHub;
import org.kbatch.proxy.testing.TestServers;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** JUPYTERHUB_OAUTH_ACCESS_SCOPES replaces the default scope; any one of the listed scopes lets a user in. */
class CustomScopesServerTest {

    @RegisterExtension
    static final ProxyServer PROXY = ProxyServer.withoutKubernetes()
            .user("batch-token", "alice", List.of(), List.of("custom:batch"))
            .user("default-token", "bob", List.of(), List.of("access:services!service=kbatch"))
            .user("other-service-token", "carol", List.of(), List.of("access:services!service=batchy"))
            .env("JUPYTERHUB_SERVICE_NAME", "batchy")
            .env("KBATCH_PREFIX", "/services/batchy/")
            .env("JUPYTERHUB_OAUTH_ACCESS_SCOPES", "[\"custom:batch\", \"access:services!service=batchy\"]")
            .build();
    private static final StubHub HUB = PROXY.hub();

    private final ServiceApi service;

    CustomScopesServerTest(URI uri) {
        this.service = new ServiceApi(TestServers.client(uri, "/services/batchy"));
    }

    @Test
    void anyConfiguredScopeLetsTheUserIn() throws ApiException {
        assertThat(service.getAuthorized(TestServers.token("batch-token")).getName(), is("alice"));
        assertThat(service.getAuthorized(TestServers.token("other-service-token")).getName(), is("carol"));
    }

    @Test
    void theDefaultScopeNoLongerCounts() {
        ApiException e = assertThrows(ApiException.class,
                () -> service.getAuthorized(TestServers.token("default-token")));
        assertThat(e.getCode(), is(403));
        assertThat(e.getResponseBody(), containsString("Needs scope(s): custom:batch, access:services!service=batchy"));
    }
}
