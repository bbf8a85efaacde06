package org.kbatch.proxy.http;

import io.helidon.webserver.http.ServerRequest;
import org.kbatch.proxy.auth.AuthFilter;
import org.kbatch.proxy.auth.TokenAuthenticator.Authenticated;
import org.kbatch.proxy.kube.Scope;
import org.kbatch.proxy.naming.UsernameLabel;
import org.kbatch.proxy.tenancy.Placement;
import org.kbatch.proxy.tenancy.Tenancy;

/**
 * The authenticated caller of a request and where their objects live.
 *
 * @param username  the hub user
 * @param token     the token they called with (it goes into their jobs)
 * @param placement their namespace, and whether it is shared with other users
 */
public record Caller(String username, String token, Placement placement) {

    /** The caller of this request, placed by the tenancy rules (and remembered for the audit log). */
    public static Caller of(ServerRequest req, Tenancy tenancy) {
        Authenticated a = AuthFilter.caller(req);
        Caller caller = new Caller(a.user().name(), a.token(), tenancy.place(a.user()));
        req.context().register(caller);
        return caller;
    }

    public String namespace() {
        return placement.namespace();
    }

    /** What the caller may see: their namespace, filtered by their username label when it is shared. */
    public Scope scope() {
        return placement.shared()
                ? Scope.shared(placement.namespace(), UsernameLabel.of(username))
                : Scope.own(placement.namespace());
    }

    @Override
    public String toString() {
        return "Caller[" + username + " in " + placement.namespace() + "]";
    }
}
