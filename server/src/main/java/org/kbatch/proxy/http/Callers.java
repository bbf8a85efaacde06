package org.kbatch.proxy.http;

import io.helidon.webserver.http.ServerRequest;
import org.kbatch.proxy.auth.AuthFilter;
import org.kbatch.proxy.auth.TokenAuthenticator.Authenticated;
import org.kbatch.proxy.caller.Caller;
import org.kbatch.proxy.tenancy.Tenancy;

/**
 * The {@link Caller} of a request, made at the HTTP edge from what the token check found ({@link AuthFilter}) and
 * placed by the tenancy rules. A user the rules place nowhere is the {@link Tenancy#place} 403 ({@code ApiException}).
 */
public final class Callers {

    private Callers() {
    }

    /** The caller of this request, placed by the tenancy rules (and kept in the request's context for the audit log). */
    public static Caller of(ServerRequest req, Tenancy tenancy) {
        Authenticated a = AuthFilter.caller(req);
        Caller caller = new Caller(a.user().name(), a.token(), tenancy.place(a.user()), a.user().groups());
        req.context().register(caller);
        return caller;
    }
}
