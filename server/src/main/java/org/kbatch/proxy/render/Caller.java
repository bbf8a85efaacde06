package org.kbatch.proxy.render;

import java.util.Objects;

/**
 * Who submits: the JupyterHub user and the token they called with (it becomes the job's
 * {@code JUPYTERHUB_API_TOKEN}, so the job can talk to the hub as them).
 *
 * @param username the JupyterHub username, raw (it names the namespace, label and annotation)
 * @param token    the caller's own API token; {@code null} or empty adds no {@code JUPYTERHUB_API_TOKEN}
 */
public record Caller(String username, String token) {

    public Caller {
        Objects.requireNonNull(username, "username");
    }

    /** Never prints the token: callers end up in log lines. */
    @Override
    public String toString() {
        return "Caller[username=" + username + ", token=" + (token == null ? "none" : "***") + "]";
    }
}
