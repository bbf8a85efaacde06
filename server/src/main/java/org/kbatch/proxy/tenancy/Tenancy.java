package org.kbatch.proxy.tenancy;

import java.util.Map;

import org.kbatch.proxy.auth.HubUser;
import org.kbatch.proxy.caller.Placement;
import org.kbatch.proxy.errors.ApiException;
import org.kbatch.proxy.naming.UserNamespace;

/**
 * Decides which namespace a user's jobs go to:
 * <ol>
 *   <li>{@code KBATCH_NAMESPACE_BY_GROUP} (JupyterHub group → namespace): the first of the user's groups (in the
 *       hub's order) that has a namespace;</li>
 *   <li>else {@code KBATCH_JOB_NAMESPACE}, one namespace for everybody;</li>
 *   <li>else a 403 when {@code KBATCH_NAMESPACE_BY_GROUP_FALLBACK=deny};</li>
 *   <li>else the user's own {@code kbatch-<user>} (the reference's behaviour), created by the proxy when
 *       {@code KBATCH_CREATE_USER_NAMESPACE} is true.</li>
 * </ol>
 * Namespaces named by the admin (1, 2) are shared and never created by the proxy.
 */
public final class Tenancy {

    private final String jobNamespace;
    private final Map<String, String> namespaceByGroup;
    private final boolean denyWithoutGroup;
    private final boolean createUserNamespace;

    public Tenancy(String jobNamespace, Map<String, String> namespaceByGroup, boolean denyWithoutGroup,
                   boolean createUserNamespace) {
        this.jobNamespace = jobNamespace;
        this.namespaceByGroup = Map.copyOf(namespaceByGroup);
        this.denyWithoutGroup = denyWithoutGroup;
        this.createUserNamespace = createUserNamespace;
    }

    public Placement place(HubUser user) {
        for (String group : user.groups()) {
            String namespace = namespaceByGroup.get(group);
            if (namespace != null) {
                return new Placement(namespace, true, false, group);
            }
        }
        if (jobNamespace != null) {
            return new Placement(jobNamespace, true, false);
        }
        if (denyWithoutGroup) {
            throw new ApiException(403, "User " + user.name() + " is in no group that has a kbatch namespace");
        }
        return new Placement(UserNamespace.of(user.name()), false, createUserNamespace);
    }
}
