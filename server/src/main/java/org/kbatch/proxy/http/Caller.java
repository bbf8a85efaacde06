package org.kbatch.proxy.http;

import io.helidon.webserver.http.ServerRequest;
import org.kbatch.proxy.auth.AuthFilter;
import org.kbatch.proxy.auth.TokenAuthenticator.Authenticated;
import org.kbatch.proxy.naming.UserNamespace;

/** The authenticated caller of a request and the one namespace they may use. */
public record Caller(String username, String token, String namespace) {

    public static Caller of(ServerRequest req) {
        Authenticated a = AuthFilter.caller(req);
        return new Caller(a.user().name(), a.token(), UserNamespace.of(a.user().name()));
    }

    @Override
    public String toString() {
        return "Caller[" + username + " in " + namespace + "]";
    }
}
