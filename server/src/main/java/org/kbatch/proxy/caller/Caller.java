package org.kbatch.proxy.caller;

import java.util.List;
import java.util.Objects;

/**
 * Who calls: the authenticated JupyterHub user, the token they called with and where their objects live. One value for
 * every layer: the HTTP edge makes it ({@code http.Callers}), the submitter and the renderer read it, the Kubernetes
 * side maps it to what the caller may see ({@code kube.Scope.of}). It imports nothing of ours.
 *
 * @param username  the JupyterHub user name, raw, exactly as the hub spells it (it names the label and annotation)
 * @param token     the token they called with: it becomes their jobs' {@code JUPYTERHUB_API_TOKEN}, so a job can
 *                  talk to the hub as them; {@code null} or empty adds none
 * @param placement their namespace, and whether it is shared with other users
 * @param groups    their JupyterHub groups, in the hub's order (they choose the operator's per-group rules)
 */
public record Caller(String username, String token, Placement placement, List<String> groups) {

    public Caller {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(placement, "placement");
        Objects.requireNonNull(placement.namespace(), "namespace");
        groups = groups == null ? List.of() : List.copyOf(groups);
    }

    /** A caller in no group. */
    public Caller(String username, String token, Placement placement) {
        this(username, token, placement, List.of());
    }

    /**
     * The group a template's {@code {group}} names: the one whose namespace the caller's jobs go to, else their first
     * group in the hub's order; empty when they are in none.
     */
    public String group() {
        if (placement.group() != null) {
            return placement.group();
        }
        return groups.isEmpty() ? "" : groups.getFirst();
    }

    /** Where the caller's objects go: their own namespace, or a shared one the admin chose. */
    public String namespace() {
        return placement.namespace();
    }

    /** Never prints the token: callers end up in log lines. */
    @Override
    public String toString() {
        return "Caller[username=" + username + ", namespace=" + placement.namespace() + ", token="
                + (token == null ? "none" : "***") + "]";
    }
}
