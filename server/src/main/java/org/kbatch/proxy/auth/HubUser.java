package org.kbatch.proxy.auth;

import java.util.List;
import java.util.Set;

/**
 * The owner of a token, as JupyterHub's {@code GET /hub/api/user} describes them.
 *
 * @param name   the JupyterHub user name, exactly as the hub spells it
 * @param groups the user's groups
 * @param scopes the scopes the token carries
 */
public record HubUser(String name, List<String> groups, Set<String> scopes) {
    public HubUser {
        groups = List.copyOf(groups);
        scopes = Set.copyOf(scopes);
    }
}
