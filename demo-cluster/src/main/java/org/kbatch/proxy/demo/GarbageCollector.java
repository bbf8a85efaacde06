package org.kbatch.proxy.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Kubernetes' garbage collector, for the kinds kbatch uses: an object whose owners (Jobs and CronJobs) are all gone
 * is deleted, so deleting a Job removes its pods, Secret and ConfigMap. References to kinds the demo does not track
 * keep an object alive.
 *
 * <p>The dependents must be listed <em>before</em> the owners: an owner reference can only name an object that
 * existed when it was written, so an owner missing from a later list has really been deleted.
 */
final class GarbageCollector {

    private static final System.Logger LOG = System.getLogger(GarbageCollector.class.getName());
    private static final Set<String> OWNER_KINDS = Set.of("Job", "CronJob");

    private final KubernetesClient client;

    GarbageCollector(KubernetesClient client) {
        this.client = client;
    }

    /**
     * Deletes the orphans among {@code dependents}.
     *
     * @param dependents objects listed before {@code ownerUids} was read
     * @param ownerUids  uids of every Job and CronJob that exists
     * @return the objects deleted
     */
    List<HasMetadata> collect(List<? extends HasMetadata> dependents, Set<String> ownerUids) {
        List<HasMetadata> deleted = new ArrayList<>();
        for (HasMetadata object : dependents) {
            if (isOrphan(object, ownerUids)) {
                try {
                    client.resource(object).delete();
                    deleted.add(object);
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 404) {
                        LOG.log(System.Logger.Level.DEBUG, "could not delete orphan " + describe(object), e);
                    }
                }
            }
        }
        return deleted;
    }

    static boolean isOrphan(HasMetadata object, Set<String> ownerUids) {
        List<OwnerReference> owners = object.getMetadata().getOwnerReferences();
        if (owners == null || owners.isEmpty()) {
            return false;
        }
        for (OwnerReference owner : owners) {
            if (!OWNER_KINDS.contains(owner.getKind()) || ownerUids.contains(owner.getUid())) {
                return false;
            }
        }
        return true;
    }

    static String describe(HasMetadata object) {
        return object.getKind() + " " + object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
    }
}
