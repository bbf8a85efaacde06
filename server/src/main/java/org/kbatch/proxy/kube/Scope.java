package org.kbatch.proxy.kube;

import java.util.Optional;

import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.Resource;
import org.kbatch.proxy.caller.Caller;
import org.kbatch.proxy.naming.UsernameLabel;

/**
 * What one caller may see: a namespace, and in a namespace shared by several users, only the objects carrying their
 * username label. Every list is restricted to it by the API server ({@link #labelSelector}, {@link #restrict}); a
 * single object read by name is checked against it by {@code tenancy.Ownership}.
 *
 * @param namespace  the namespace
 * @param ownerLabel the value of {@code kbatch.jupyter.org/username} the objects must carry; empty in a namespace of
 *                   the caller's own
 */
public record Scope(String namespace, Optional<String> ownerLabel) {

    /** What this caller may see: their namespace, filtered by their username label when it is shared. */
    public static Scope of(Caller caller) {
        return caller.placement().shared()
                ? shared(caller.namespace(), UsernameLabel.of(caller.username()))
                : own(caller.namespace());
    }

    public static Scope own(String namespace) {
        return new Scope(namespace, Optional.empty());
    }

    public static Scope shared(String namespace, String ownerLabel) {
        return new Scope(namespace, Optional.of(ownerLabel));
    }

    /**
     * The label selector of a list in this scope: the caller's username label in a shared namespace, and
     * {@code extra} (e.g. {@code job-name=J}); {@code null} for none.
     */
    String labelSelector(String extra) {
        String owner = ownerLabel.map(value -> UsernameLabel.KEY + "=" + value).orElse(null);
        if (owner == null) {
            return extra;
        }
        return extra == null ? owner : owner + "," + extra;
    }

    /** A fabric8 list restricted to this scope: in a shared namespace, only the caller's objects (by username label). */
    <T, L, R extends Resource<T>> FilterWatchListDeletable<T, L, R> restrict(
            FilterWatchListDeletable<T, L, R> objects) {
        return ownerLabel.isPresent() ? objects.withLabel(UsernameLabel.KEY, ownerLabel.get()) : objects;
    }
}
