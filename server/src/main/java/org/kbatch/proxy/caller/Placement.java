package org.kbatch.proxy.caller;

/**
 * Where a caller's objects live, as the tenancy rules ({@code tenancy.Tenancy}) decide it.
 *
 * @param namespace       the namespace
 * @param shared          whether other users' objects live there too: then every request is filtered by the
 *                        username label, and a user's object names are made unique
 * @param createNamespace whether the proxy creates the namespace on a submission (only the per-user one)
 * @param group           the JupyterHub group whose namespace this is ({@code KBATCH_NAMESPACE_BY_GROUP}), or
 *                        {@code null}
 */
public record Placement(String namespace, boolean shared, boolean createNamespace, String group) {

    /** A placement chosen by no group. */
    public Placement(String namespace, boolean shared, boolean createNamespace) {
        this(namespace, shared, createNamespace, null);
    }
}
