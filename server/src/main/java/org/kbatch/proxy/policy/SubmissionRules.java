package org.kbatch.proxy.policy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpec;
import org.kbatch.proxy.errors.ApiException;

/**
 * What a submission may not carry, checked before rendering: the wrong kind or API version, ownerReferences (the proxy
 * alone decides what owns what), finalizers (a user's finalizer would keep the job, its pods, the CronJob or the code
 * forever after {@code kbatch job delete}: nothing the user runs would ever remove it), or code that cannot fit into
 * a Kubernetes object. What the API server itself would refuse is {@link ApiServerRules}.
 */
public final class SubmissionRules {

    /** Kubernetes stores an object of at most 1.5 MiB in etcd; a ConfigMap's data is limited to 1 MiB. */
    public static final long MAX_CODE_BYTES = 1024 * 1024;

    private SubmissionRules() {
    }

    public static void check(HasMetadata workload, String expectedKind, ConfigMap code) {
        if (workload.getKind() != null && !workload.getKind().equals(expectedKind)) {
            throw new ApiException(422, "job.kind: expected " + expectedKind + ", got \"" + workload.getKind()
                    + "\"");
        }
        if (workload.getApiVersion() != null && !workload.getApiVersion().equals("batch/v1")) {
            throw new ApiException(422, "job.api_version: expected batch/v1, got \""
                    + workload.getApiVersion() + "\"");
        }
        for (Map.Entry<String, ObjectMeta> meta : metadataOf(workload).entrySet()) {
            noFinalizers(meta.getKey(), meta.getValue(), expectedKind.equals("CronJob") ? "cronjob" : "job");
        }
        if (workload.getMetadata() != null && workload.getMetadata().getOwnerReferences() != null
                && !workload.getMetadata().getOwnerReferences().isEmpty()) {
            throw new ApiException(422, "job.metadata.owner_references: may not be set; the proxy sets owners itself");
        }
        if (code == null) {
            return;
        }
        if (code.getKind() != null && !code.getKind().equals("ConfigMap")) {
            throw new ApiException(422, "code.kind: expected ConfigMap, got \"" + code.getKind() + "\"");
        }
        if (code.getApiVersion() != null && !code.getApiVersion().equals("v1")) {
            throw new ApiException(422, "code.api_version: expected v1, got \"" + code.getApiVersion()
                    + "\"");
        }
        noFinalizers("code.metadata", code.getMetadata(), "job");
        if (code.getMetadata() != null && code.getMetadata().getOwnerReferences() != null
                && !code.getMetadata().getOwnerReferences().isEmpty()) {
            throw new ApiException(422, "code.metadata.owner_references: may not be set; the proxy sets owners itself");
        }
        // The zip alone (binary_data.code, what the CLI sends) is spread over as many ConfigMaps as it needs, up to
        // KBATCH_MAX_CODE_BYTES (http.BodyLimits); anything else must fit one ConfigMap.
        boolean onlyTheZip = (code.getData() == null || code.getData().isEmpty()) && code.getBinaryData() != null
                && code.getBinaryData().keySet().equals(java.util.Set.of("code"));
        long size = size(code.getBinaryData()) + size(code.getData());
        if (!onlyTheZip && size > MAX_CODE_BYTES) {
            throw new ApiException(413, "The code is too large: " + size + " bytes encoded, Kubernetes allows at most "
                    + MAX_CODE_BYTES + " in a ConfigMap");
        }
    }

    /** Every metadata of the workload by its path: its own, a CronJob's job template's, the pod template's. */
    private static Map<String, ObjectMeta> metadataOf(HasMetadata workload) {
        Map<String, ObjectMeta> all = new LinkedHashMap<>();
        all.put("job.metadata", workload.getMetadata());
        if (workload instanceof Job job && job.getSpec() != null && job.getSpec().getTemplate() != null) {
            all.put("job.spec.template.metadata", job.getSpec().getTemplate().getMetadata());
        }
        if (workload instanceof CronJob cron && cron.getSpec() != null && cron.getSpec().getJobTemplate() != null) {
            JobTemplateSpec template = cron.getSpec().getJobTemplate();
            all.put("job.spec.job_template.metadata", template.getMetadata());
            if (template.getSpec() != null && template.getSpec().getTemplate() != null) {
                all.put("job.spec.job_template.spec.template.metadata",
                        template.getSpec().getTemplate().getMetadata());
            }
        }
        return all;
    }

    private static void noFinalizers(String path, ObjectMeta meta, String command) {
        if (meta != null && meta.getFinalizers() != null && !meta.getFinalizers().isEmpty()) {
            throw new ApiException(422, path + ".finalizers: may not be set; nothing would ever remove them, so the"
                    + " object would stay after 'kbatch " + command + " delete'");
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
