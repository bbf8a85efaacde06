package org.kbatch.proxy.service;

import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.kbatch.proxy.api.ServiceService;
import org.kbatch.proxy.api.model.Message;
import org.kbatch.proxy.api.model.User;
import org.kbatch.proxy.auth.AuthFilter;
import org.kbatch.proxy.auth.HubUser;
import org.kbatch.proxy.caller.Caller;
import org.kbatch.proxy.errors.ApiException;
import org.kbatch.proxy.http.Callers;
import org.kbatch.proxy.http.Json;
import org.kbatch.proxy.render.Placeholders;
import org.kbatch.proxy.tenancy.Tenancy;
import tools.jackson.databind.JsonNode;

/** {@code GET /}, {@code GET authorized} and {@code GET profiles/} (with the caller's values for the placeholders). */
public final class ServiceEndpoints extends ServiceService {

    private final byte[] profilesJson;
    /** The profiles as a plain tree when they hold per-user placeholders, else {@code null}. */
    private final Object perUserProfiles;
    private final Tenancy tenancy;

    public ServiceEndpoints(JsonNode profiles, Tenancy tenancy) {
        this.profilesJson = Json.MAPPER.writeValueAsBytes(profiles);
        Object tree = Json.MAPPER.convertValue(profiles, Object.class);
        this.perUserProfiles = Placeholders.any(tree) ? tree : null;
        this.tenancy = tenancy;
    }

    @Override
    public void routing(HttpRules rules) {
        org.kbatch.proxy.http.Routes.both(rules, Method.GET, "/authorized", this::getAuthorized);
        org.kbatch.proxy.http.Routes.both(rules, Method.GET, "/profiles/", this::getProfiles);
        org.kbatch.proxy.http.Routes.both(rules, Method.GET, "/", this::getRoot);
    }

    /** Also served outside the prefix: JupyterHub and Kubernetes probe {@code GET /}. */
    public void root(ServerRequest req, ServerResponse res) {
        getRoot(req, res);
    }

    @Override
    protected void handleGetRoot(ServerRequest request, ServerResponse response) {
        response.send(new Message("kbatch"));
    }

    @Override
    protected void handleGetAuthorized(ServerRequest request, ServerResponse response) {
        HubUser user = AuthFilter.caller(request).user();
        response.send(new User(user.name(), user.groups()));
    }

    @Override
    protected void handleGetProfiles(ServerRequest request, ServerResponse response) {
        // Per-user values need to know the user: the CLI fetches profiles without a token and gets them as written.
        if (perUserProfiles == null || AuthFilter.optionalCaller(request).isEmpty()) {
            Json.send(response, 200, profilesJson);
            return;
        }
        Caller caller;
        try {
            caller = Callers.of(request, tenancy);
        } catch (ApiException placedNowhere) {
            // KBATCH_NAMESPACE_BY_GROUP_FALLBACK=deny places them nowhere: no values, but the profiles stay public.
            Json.send(response, 200, profilesJson);
            return;
        }
        Json.send(response, Placeholders.expandTree(perUserProfiles, Placeholders.of(caller)));
    }

    /** The generated service prints a farewell on stop; a server's stdout is not the place for it. */
    @Override
    public void afterStop() {
    }
}
