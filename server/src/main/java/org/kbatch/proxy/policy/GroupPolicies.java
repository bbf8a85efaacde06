package org.kbatch.proxy.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.BinaryOperator;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.Quantity;

/**
 * {@code KBATCH_GROUP_POLICIES}: per JupyterHub group, settings that replace the {@code KBATCH_*} ones for its members.
 * A user in several listed groups gets, setting by setting, the most generous value any of them sets: the union of
 * the allowed images, the larger number, and for the resource settings the larger quantity of each resource. What no
 * group of the user sets (a setting, or one resource) comes from the {@code KBATCH_*} variables.
 */
public final class GroupPolicies {

    private final OperatorPolicy base;
    private final Map<String, OperatorPolicy> byGroup;

    /**
     * @param base    the {@code KBATCH_*} settings
     * @param byGroup each group's settings, holding only what the group sets
     */
    public GroupPolicies(OperatorPolicy base, Map<String, OperatorPolicy> byGroup) {
        this.base = base;
        this.byGroup = Map.copyOf(byGroup);
    }

    /** No rules. */
    public static GroupPolicies none() {
        return new GroupPolicies(OperatorPolicy.none(), Map.of());
    }

    /** The rules for a user in these groups. */
    public OperatorPolicy forUser(List<String> groups) {
        List<Map.Entry<String, OperatorPolicy>> mine = new ArrayList<>();
        for (String group : new LinkedHashSet<>(groups)) {
            OperatorPolicy policy = byGroup.get(group);
            if (policy != null) {
                mine.add(Map.entry(group, policy));
            }
        }
        if (mine.isEmpty()) {
            return base;
        }
        Map<String, String> sources = new LinkedHashMap<>(base.sources());
        List<String> images = mostGenerous(mine, "allowed_images", OperatorPolicy::allowedImages, GroupPolicies::union,
                base.allowedImages(), sources);
        Integer jobs = mostGenerous(mine, "max_active_jobs", OperatorPolicy::maxActiveJobs, Math::max,
                base.maxActiveJobs(), sources);
        Integer cronJobs = mostGenerous(mine, "max_cronjobs", OperatorPolicy::maxCronJobs, Math::max,
                base.maxCronJobs(), sources);
        Map<String, Quantity> maxResources = resources(mine, "max_container_resources",
                OperatorPolicy::maxContainerResources, base.maxContainerResources(), sources);
        Map<String, Quantity> defaultResources = resources(mine, "default_container_resources",
                OperatorPolicy::defaultContainerResources, base.defaultContainerResources(), sources);
        Long defaultDeadline = mostGenerous(mine, "default_active_deadline_seconds",
                OperatorPolicy::defaultActiveDeadlineSeconds, Math::max, base.defaultActiveDeadlineSeconds(), sources);
        Long maxDeadline = mostGenerous(mine, "max_active_deadline_seconds", OperatorPolicy::maxActiveDeadlineSeconds,
                Math::max, base.maxActiveDeadlineSeconds(), sources);
        return new OperatorPolicy(images, jobs, cronJobs, maxResources, defaultResources, defaultDeadline, maxDeadline,
                sources);
    }

    private static <T> T mostGenerous(List<Map.Entry<String, OperatorPolicy>> groups, String setting,
                                      Function<OperatorPolicy, T> get, BinaryOperator<T> more, T fallback,
                                      Map<String, String> sources) {
        T best = null;
        List<String> from = new ArrayList<>();
        for (Map.Entry<String, OperatorPolicy> group : groups) {
            T value = get.apply(group.getValue());
            if (value == null) {
                continue;
            }
            T merged = best == null ? value : more.apply(best, value);
            if (!merged.equals(best)) {
                // For a union every contributing group counts; for a maximum, the group that gave it.
                if (!(merged instanceof List)) {
                    from.clear();
                }
                from.add(group.getKey());
            }
            best = merged;
        }
        if (best == null) {
            return fallback;
        }
        sources.put(setting, groupSource(from, setting));
        return best;
    }

    private static Map<String, Quantity> resources(List<Map.Entry<String, OperatorPolicy>> groups, String setting,
                                                   Function<OperatorPolicy, Map<String, Quantity>> get,
                                                   Map<String, Quantity> fallback, Map<String, String> sources) {
        Map<String, Quantity> merged = new LinkedHashMap<>(fallback);
        Map<String, Quantity> fromGroups = new LinkedHashMap<>();
        for (Map.Entry<String, OperatorPolicy> group : groups) {
            get.apply(group.getValue()).forEach((resource, quantity) -> {
                Quantity best = fromGroups.get(resource);
                if (best == null || OperatorPolicy.amount(quantity).compareTo(OperatorPolicy.amount(best)) > 0) {
                    fromGroups.put(resource, quantity);
                    sources.put(setting + "." + resource, groupSource(List.of(group.getKey()), setting));
                }
            });
        }
        merged.putAll(fromGroups);
        return merged;
    }

    private static List<String> union(List<String> a, List<String> b) {
        LinkedHashSet<String> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    private static String groupSource(List<String> groups, String setting) {
        return "KBATCH_GROUP_POLICIES " + setting + " of group " + String.join(", ", groups);
    }
}
