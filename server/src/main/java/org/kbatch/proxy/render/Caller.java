package org.kbatch.proxy.render;

import java.util.Objects;

import org.kbatch.proxy.naming.UserNamespace;

/**
 * Who submits: the JupyterHub user and the token they called with (it becomes the job's
 * {@code JUPYTERHUB_API_TOKEN}, so the job can talk to the hub as them).
 *
 * @param username  the JupyterHub username, raw (it names the label and annotation)
 * @param token     the caller's own API token; {@code null} or empty adds no {@code JUPYTERHUB_API_TOKEN}
 * @param namespace where the job goes: the user's own namespace, or a shared one the admin chose
 */
public record Caller(String username, String token, String namespace) {

    public Caller {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(namespace, "namespace");
    }

    /** A caller in their own namespace ({@code kbatch-<user>}). */
    public Caller(String username, String token) {
        this(username, token, UserNamespace.of(username));
    }

    /** Never prints the token: callers end up in log lines. */
    @Override
    public String toString() {
        return "Caller[username=" + username + ", token=" + (token == null ? "none" : "***") + "]";
    }
}
