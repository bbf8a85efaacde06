package org.kbatch.proxy.auth;

import java.net.URI;

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

/** What users see when the hub fails or goes away: 503 for new tokens, cached tokens keep working. */
class HubOutageServerTest {

    @RegisterExtension
    static final ProxyServer PROXY = ProxyServer.withoutKubernetes()
            .user("cached-token", "alice")
            .user("fresh-token", "bob")
            .user("other-token", "carol")
            .build();
    private static final StubHub HUB = PROXY.hub();

    private final ServiceApi service;

    HubOutageServerTest(URI uri) {
        this.service = new ServiceApi(TestServers.client(uri, ""));
    }

    @Test
    void hubErrorsAre503AndHubDownIs503WhileCachedTokensKeepWorking() throws ApiException {
        assertThat(service.getAuthorized(TestServers.token("cached-token")).getName(), is("alice"));

        HUB.failWith(500);
        ApiException failing = assertThrows(ApiException.class,
                () -> service.getAuthorized(TestServers.token("other-token")));
        assertThat(failing.getCode(), is(503));
        assertThat(failing.getResponseBody(), containsString("JupyterHub answered 500"));

        HUB.stop();
        ApiException down = assertThrows(ApiException.class,
                () -> service.getAuthorized(TestServers.token("fresh-token")));
        assertThat(down.getCode(), is(503));
        assertThat(down.getResponseBody(), is("{\"detail\":\"JupyterHub cannot be reached to check the token: the"
                + " connection was refused\"}"));
        assertThat(down.getResponseBody(), org.hamcrest.Matchers.not(containsString("fresh-token")));

        assertThat(service.getAuthorized(TestServers.token("cached-token")).getName(), is("alice"));
    }
}
