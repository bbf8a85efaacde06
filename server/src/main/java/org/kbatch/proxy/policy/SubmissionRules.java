package org.kbatch.proxy.policy;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.kbatch.proxy.errors.ApiException;

/**
 * What a submission may not carry, checked before rendering: the wrong kind, ownerReferences (the proxy alone decides
 * what owns what), or code that cannot fit into a Kubernetes object.
 */
public final class SubmissionRules {

    /** Kubernetes stores an object of at most 1.5 MiB in etcd; a ConfigMap's data is limited to 1 MiB. */
    public static final long MAX_CODE_BYTES = 1024 * 1024;

    private SubmissionRules() {
    }

    public static void check(HasMetadata workload, String expectedKind, ConfigMap code) {
        if (workload.getKind() != null && !workload.getKind().equals(expectedKind)) {
            throw new ApiException(422, "job.kind: expected " + expectedKind + ", got " + workload.getKind());
        }
        if (workload.getMetadata() != null && workload.getMetadata().getOwnerReferences() != null
                && !workload.getMetadata().getOwnerReferences().isEmpty()) {
            throw new ApiException(422, "job.metadata.owner_references: may not be set; the proxy sets owners itself");
        }
        if (code == null) {
            return;
        }
        if (code.getKind() != null && !code.getKind().equals("ConfigMap")) {
            throw new ApiException(422, "code.kind: expected ConfigMap, got " + code.getKind());
        }
        if (code.getMetadata() != null && code.getMetadata().getOwnerReferences() != null
                && !code.getMetadata().getOwnerReferences().isEmpty()) {
            throw new ApiException(422, "code.metadata.owner_references: may not be set; the proxy sets owners itself");
        }
        long size = size(code.getBinaryData()) + size(code.getData());
        if (size > MAX_CODE_BYTES) {
            throw new ApiException(413, "The code is too large: " + size + " bytes encoded, Kubernetes allows at most "
                    + MAX_CODE_BYTES + " in a ConfigMap");
        }
    }

    private static long size(Map<String, String> data) {
        if (data == null) {
            return 0;
        }
        long total = 0;
        for (Map.Entry<String, String> e : data.entrySet()) {
            total += e.getKey().length() + (e.getValue() == null ? 0 : e.getValue().getBytes(StandardCharsets.UTF_8).length);
        }
        return total;
    }
}
