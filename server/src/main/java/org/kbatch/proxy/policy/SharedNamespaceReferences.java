package org.kbatch.proxy.policy;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import org.kbatch.proxy.errors.ApiException;

/**
 * In a namespace shared by several users ({@code KBATCH_JOB_NAMESPACE}, {@code KBATCH_NAMESPACE_BY_GROUP}), other
 * users' objects sit next to the caller's: their env Secrets (holding their hub tokens), their code, their home
 * directories' PVCs ({@code claim-...}). A user's own submission may therefore not name a Secret, ConfigMap or
 * PersistentVolumeClaim there: no such volume, projected source, env reference or {@code envFrom}. The proxy's own
 * Secret and ConfigMaps and what the admin template mounts (e.g. {@code claim-{escaped_username}}) are added after
 * this check. In a user's own namespace everything there is theirs, and nothing is refused.
 */
public final class SharedNamespaceReferences {

    private SharedNamespaceReferences() {
    }

    /** Refuses (422) a user's submission for a shared namespace that names any of those objects. */
    public static void check(HasMetadata workload, boolean shared) {
        PodSpec pod = PodSpecs.podSpec(workload);
        if (!shared || pod == null) {
            return;
        }
        String base = PodSpecs.podPath(workload);
        List<String> found = new ArrayList<>();
        List<Volume> volumes = pod.getVolumes() == null ? List.of() : pod.getVolumes();
        for (int i = 0; i < volumes.size(); i++) {
            Volume v = volumes.get(i);
            String at = base + ".volumes[" + i + "]";
            if (v.getSecret() != null) {
                found.add(at + ".secret");
            }
            if (v.getConfigMap() != null) {
                found.add(at + ".config_map");
            }
            if (v.getPersistentVolumeClaim() != null) {
                found.add(at + ".persistent_volume_claim");
            }
            if (v.getCsi() != null && v.getCsi().getNodePublishSecretRef() != null) {
                found.add(at + ".csi.node_publish_secret_ref");
            }
            List<VolumeProjection> sources = v.getProjected() == null || v.getProjected().getSources() == null
                    ? List.of() : v.getProjected().getSources();
            for (int j = 0; j < sources.size(); j++) {
                if (sources.get(j).getSecret() != null) {
                    found.add(at + ".projected.sources[" + j + "].secret");
                }
                if (sources.get(j).getConfigMap() != null) {
                    found.add(at + ".projected.sources[" + j + "].config_map");
                }
            }
        }
        if (pod.getImagePullSecrets() != null && !pod.getImagePullSecrets().isEmpty()) {
            found.add(base + ".image_pull_secrets");
        }
        PodSpecs.forEachContainer(pod, base, (c, path) -> references(c, path, found));
        if (!found.isEmpty()) {
            throw new ApiException(422, String.join(", ", found) + ": this namespace is shared with other users, so a"
                    + " job may not name Secrets, ConfigMaps or PersistentVolumeClaims in it; pass values as env and"
                    + " files as code (the admin template can mount what every job needs)");
        }
    }

    private static void references(Container c, String path, List<String> found) {
        List<EnvVar> env = c.getEnv() == null ? List.of() : c.getEnv();
        for (int j = 0; j < env.size(); j++) {
            var from = env.get(j).getValueFrom();
            if (from != null && (from.getSecretKeyRef() != null || from.getConfigMapKeyRef() != null)) {
                found.add(path + ".env[" + j + "].value_from");
            }
        }
        List<EnvFromSource> envFrom = c.getEnvFrom() == null ? List.of() : c.getEnvFrom();
        for (int j = 0; j < envFrom.size(); j++) {
            if (envFrom.get(j).getSecretRef() != null || envFrom.get(j).getConfigMapRef() != null) {
                found.add(path + ".env_from[" + j + "]");
            }
        }
    }
}
