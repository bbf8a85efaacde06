package org.kbatch.proxy.policy;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Quantity;

/**
 * The operator's rules as they apply to one user: the {@code KBATCH_*} settings, or for a user in groups of
 * {@code KBATCH_GROUP_POLICIES} the most generous value their groups give ({@link GroupPolicies}). Every field is
 * optional: {@code null} (or an empty map) means no rule.
 *
 * @param allowedImages               {@code allowed_images}: image patterns ({@link AllowedImages}); {@code null}: any
 * @param maxActiveJobs               {@code max_active_jobs}: unfinished jobs a user may have
 * @param maxCronJobs                 {@code max_cronjobs}: cronjobs a user may have
 * @param maxContainerResources       {@code max_container_resources}: the most one container may request or limit,
 *                                    by resource name
 * @param defaultContainerResources   {@code default_container_resources}: the requests of a container that asks
 *                                    for none of that resource
 * @param defaultActiveDeadlineSeconds {@code default_active_deadline_seconds}: for a job that sets none
 * @param maxActiveDeadlineSeconds    {@code max_active_deadline_seconds}: the longest a job may run
 * @param sources                     where each setting came from, by its name (a variable, or a group's
 *                                    {@code KBATCH_GROUP_POLICIES} entry), for the refusals and the audit log
 */
public record OperatorPolicy(List<String> allowedImages,
                             Integer maxActiveJobs,
                             Integer maxCronJobs,
                             Map<String, Quantity> maxContainerResources,
                             Map<String, Quantity> defaultContainerResources,
                             Long defaultActiveDeadlineSeconds,
                             Long maxActiveDeadlineSeconds,
                             Map<String, String> sources) {

    /** The setting names, as {@code KBATCH_GROUP_POLICIES} writes them. */
    public static final List<String> SETTINGS = List.of("allowed_images", "max_active_jobs", "max_cronjobs",
            "max_container_resources", "default_container_resources", "default_active_deadline_seconds",
            "max_active_deadline_seconds");

    public OperatorPolicy {
        allowedImages = allowedImages == null ? null : List.copyOf(allowedImages);
        maxContainerResources = copy(maxContainerResources);
        defaultContainerResources = copy(defaultContainerResources);
        sources = sources == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(sources));
    }

    /** No rules at all. */
    public static OperatorPolicy none() {
        return new OperatorPolicy(null, null, null, Map.of(), Map.of(), null, null, Map.of());
    }

    /** Where a setting (or one resource of a resource setting, {@code max_container_resources.cpu}) came from. */
    public String source(String setting) {
        String found = sources.get(setting);
        if (found != null) {
            return found;
        }
        int dot = setting.indexOf('.');
        String whole = dot < 0 ? setting : setting.substring(0, dot);
        return sources.getOrDefault(whole, "KBATCH_" + whole.toUpperCase(java.util.Locale.ROOT));
    }

    /** A quantity as a number of base units (cores, bytes, devices), for comparing. */
    public static BigDecimal amount(Quantity quantity) {
        return quantity.getNumericalAmount();
    }

    private static Map<String, Quantity> copy(Map<String, Quantity> map) {
        return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
