package org.kbatch.proxy.submit;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.kbatch.proxy.kube.KubernetesObjects;

/**
 * The admin's per-user {@code ResourceQuota} and {@code LimitRange} ({@code KBATCH_USER_RESOURCE_QUOTA_FILE},
 * {@code KBATCH_USER_LIMIT_RANGE_FILE}), put into each user namespace: created with the namespace, and created if
 * missing on a user's next submission, so namespaces from before the setting get them too. Once a namespace has them
 * (created, or found by a 409), this process does not ask again (one call per namespace and process, not per
 * submission), unless the namespace turns out to have been deleted ({@link #forget}).
 */
public final class Quotas {

    static final String DEFAULT_QUOTA_NAME = "kbatch-user-quota";
    static final String DEFAULT_LIMIT_RANGE_NAME = "kbatch-user-limits";
    private static final KubernetesSerialization K8S = new KubernetesSerialization();

    private final KubernetesObjects objects;
    private final ResourceQuota quota;
    private final LimitRange limitRange;
    private final Set<String> reconciled = ConcurrentHashMap.newKeySet();

    public Quotas(KubernetesObjects objects, Map<String, Object> quotaTemplate, Map<String, Object> limitRangeTemplate) {
        this.objects = objects;
        this.quota = quotaTemplate == null ? null : named(K8S.convertValue(quotaTemplate, ResourceQuota.class),
                DEFAULT_QUOTA_NAME);
        this.limitRange = limitRangeTemplate == null ? null
                : named(K8S.convertValue(limitRangeTemplate, LimitRange.class), DEFAULT_LIMIT_RANGE_NAME);
    }

    /** Creates what is missing in the namespace (an existing quota or limit range is left as the admin made it). */
    public void reconcile(String namespace) {
        if ((quota == null && limitRange == null) || reconciled.contains(namespace)) {
            return;
        }
        if (quota != null) {
            objects.createIfMissing(namespace, quota);
        }
        if (limitRange != null) {
            objects.createIfMissing(namespace, limitRange);
        }
        reconciled.add(namespace);
    }

    /** Forgets the namespace (it was deleted): the next {@link #reconcile} creates its quota and limit range again. */
    public void forget(String namespace) {
        reconciled.remove(namespace);
    }

    private static <T extends io.fabric8.kubernetes.api.model.HasMetadata> T named(T object, String defaultName) {
        if (object.getMetadata() == null) {
            object.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
        }
        if (object.getMetadata().getName() == null) {
            object.getMetadata().setName(defaultName);
        }
        object.getMetadata().setNamespace(null);
        return object;
    }
}
