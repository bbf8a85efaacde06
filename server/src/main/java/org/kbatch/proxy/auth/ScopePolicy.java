package org.kbatch.proxy.auth;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which scopes let a user in: any of the service's access scopes ({@code JUPYTERHUB_OAUTH_ACCESS_SCOPES}, by default
 * {@code access:services!service=<name>}). JupyterHub's unfiltered {@code access:services} covers every filtered
 * {@code access:services!...} scope.
 */
public record ScopePolicy(List<String> required) {

    private static final String ACCESS_SERVICES = "access:services";

    public ScopePolicy {
        required = List.copyOf(required);
    }

    public boolean allows(Set<String> held) {
        for (String scope : required) {
            if (held.contains(scope)) {
                return true;
            }
            if (scope.startsWith(ACCESS_SERVICES + "!") && held.contains(ACCESS_SERVICES)) {
                return true;
            }
        }
        return false;
    }

    /** The 403 detail: what the user holds and what is needed, readable (sorted, no Python reprs). */
    public String refusal(Set<String> held) {
        return "Not allowing request with scopes: " + String.join(", ", new TreeSet<>(held))
                + ". Needs scope(s): " + String.join(", ", required);
    }
}
