package org.kbatch.proxy.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Quantity;
import io.helidon.config.Config;
import org.kbatch.proxy.policy.AllowedImages;
import org.kbatch.proxy.policy.GroupPolicies;
import org.kbatch.proxy.policy.OperatorPolicy;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the operator's rules: the {@code KBATCH_*} settings of {@link OperatorPolicy} and {@code KBATCH_GROUP_POLICIES},
 * whose keys are the same settings in lower case without {@code KBATCH_}. A bad value stops startup with a
 * {@link ConfigException} naming the variable (and for a group, the group and the key).
 */
final class OperatorPolicies {

    /** The largest deadline accepted: a year. */
    static final long MAX_DEADLINE_SECONDS = 365L * 24 * 3600;
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private OperatorPolicies() {
    }

    static GroupPolicies from(Config config) {
        OperatorPolicy base = new OperatorPolicy(
                ProxyConfig.string(config, "KBATCH_ALLOWED_IMAGES").map(raw -> images("KBATCH_ALLOWED_IMAGES",
                        List.of(raw.split(",", -1)), raw)).orElse(null),
                count(config, "KBATCH_MAX_ACTIVE_JOBS"),
                count(config, "KBATCH_MAX_CRONJOBS"),
                resources(config, "KBATCH_MAX_CONTAINER_RESOURCES"),
                resources(config, "KBATCH_DEFAULT_CONTAINER_RESOURCES"),
                seconds(config, "KBATCH_DEFAULT_ACTIVE_DEADLINE_SECONDS"),
                seconds(config, "KBATCH_MAX_ACTIVE_DEADLINE_SECONDS"),
                Map.of());
        consistent(base, "KBATCH_DEFAULT_ACTIVE_DEADLINE_SECONDS", "KBATCH_DEFAULT_CONTAINER_RESOURCES");
        Map<String, OperatorPolicy> byGroup = new LinkedHashMap<>();
        Optional<String> raw = ProxyConfig.string(config, "KBATCH_GROUP_POLICIES");
        if (raw.isPresent()) {
            JsonNode groups = json("KBATCH_GROUP_POLICIES", raw.get());
            groups.properties().forEach(e -> byGroup.put(e.getKey(), group(e.getKey(), e.getValue())));
        }
        return new GroupPolicies(base, byGroup);
    }

    private static OperatorPolicy group(String group, JsonNode settings) {
        String where = "KBATCH_GROUP_POLICIES";
        String at = "group '" + group + "'";
        if (!settings.isObject()) {
            throw new ConfigException(where, at + " must map to an object of settings, e.g. {\"max_active_jobs\": 10}");
        }
        for (String key : settings.propertyNames()) {
            if (!OperatorPolicy.SETTINGS.contains(key)) {
                throw new ConfigException(where, at + " has an unknown setting '" + key + "'; the settings are "
                        + String.join(", ", OperatorPolicy.SETTINGS));
            }
        }
        List<String> images = null;
        if (settings.has("allowed_images")) {
            JsonNode list = settings.get("allowed_images");
            if (!list.isArray() || list.valueStream().anyMatch(n -> !n.isString())) {
                throw new ConfigException(where, at + " allowed_images must be a list of image patterns");
            }
            images = images(where + " " + at + " allowed_images", list.valueStream().map(JsonNode::asString).toList(),
                    list.toString());
        }
        OperatorPolicy policy = new OperatorPolicy(images,
                groupCount(settings, "max_active_jobs", at),
                groupCount(settings, "max_cronjobs", at),
                settings.has("max_container_resources")
                        ? resources(where + " " + at + " max_container_resources", settings.get("max_container_resources"))
                        : Map.of(),
                settings.has("default_container_resources")
                        ? resources(where + " " + at + " default_container_resources",
                        settings.get("default_container_resources"))
                        : Map.of(),
                groupSeconds(settings, "default_active_deadline_seconds", at),
                groupSeconds(settings, "max_active_deadline_seconds", at),
                Map.of());
        consistent(policy, where + " " + at + " default_active_deadline_seconds",
                where + " " + at + " default_container_resources");
        return policy;
    }

    /** A default the maximum beside it would refuse would refuse every job that relies on it. */
    private static void consistent(OperatorPolicy p, String deadlineName, String resourcesName) {
        if (p.defaultActiveDeadlineSeconds() != null && p.maxActiveDeadlineSeconds() != null
                && p.defaultActiveDeadlineSeconds() > p.maxActiveDeadlineSeconds()) {
            throw new ConfigException(deadlineName, "is " + p.defaultActiveDeadlineSeconds()
                    + ", more than the maximum " + p.maxActiveDeadlineSeconds());
        }
        p.defaultContainerResources().forEach((resource, quantity) -> {
            Quantity cap = p.maxContainerResources().get(resource);
            if (cap != null && OperatorPolicy.amount(quantity).compareTo(OperatorPolicy.amount(cap)) > 0) {
                throw new ConfigException(resourcesName, resource + " is " + quantity + ", more than the maximum " + cap);
            }
        });
    }

    private static List<String> images(String name, List<String> patterns, String raw) {
        List<String> cleaned = patterns.stream().map(String::strip).filter(p -> !p.isEmpty()).toList();
        List<String> bad = AllowedImages.invalid(cleaned);
        if (cleaned.isEmpty() || !bad.isEmpty()) {
            throw new ConfigException(name, "must be image patterns separated by commas, such as ghcr.io/myorg/*,"
                    + " got '" + raw + "'");
        }
        return cleaned;
    }

    private static Integer count(Config config, String name) {
        return ProxyConfig.string(config, name).map(raw -> (int) ProxyConfig.wholeNumber(name, raw, 0, 1_000_000))
                .orElse(null);
    }

    private static Long seconds(Config config, String name) {
        return ProxyConfig.string(config, name).map(raw -> ProxyConfig.wholeNumber(name, raw, 1, MAX_DEADLINE_SECONDS))
                .orElse(null);
    }

    private static Integer groupCount(JsonNode settings, String key, String at) {
        Long n = groupNumber(settings, key, at, 0, 1_000_000);
        return n == null ? null : n.intValue();
    }

    private static Long groupSeconds(JsonNode settings, String key, String at) {
        return groupNumber(settings, key, at, 1, MAX_DEADLINE_SECONDS);
    }

    private static Long groupNumber(JsonNode settings, String key, String at, long min, long max) {
        if (!settings.has(key)) {
            return null;
        }
        JsonNode n = settings.get(key);
        if (!n.isIntegralNumber()) {
            throw new ConfigException("KBATCH_GROUP_POLICIES", at + " " + key + " must be a whole number, got " + n);
        }
        return ProxyConfig.wholeNumber("KBATCH_GROUP_POLICIES " + at + " " + key, n.asString(), min, max);
    }

    private static Map<String, Quantity> resources(Config config, String name) {
        return ProxyConfig.string(config, name).map(raw -> resources(name, json(name, raw))).orElse(Map.of());
    }

    /** A JSON object of resource name to quantity ({@code "4"}, {@code "16Gi"}, {@code 1}). */
    private static Map<String, Quantity> resources(String name, JsonNode node) {
        if (!node.isObject()) {
            throw new ConfigException(name, "must be a JSON object of resource to quantity, such as"
                    + " {\"cpu\": \"4\", \"memory\": \"16Gi\"}");
        }
        Map<String, Quantity> out = new LinkedHashMap<>();
        List<String> bad = new ArrayList<>();
        node.properties().forEach(e -> {
            JsonNode v = e.getValue();
            Quantity q = v.isString() || v.isNumber() ? quantity(v.asString()) : null;
            if (q == null || e.getKey().isBlank()) {
                bad.add(e.getKey() + "=" + v);
            } else {
                out.put(e.getKey(), q);
            }
        });
        if (!bad.isEmpty()) {
            throw new ConfigException(name, "not a Kubernetes quantity (such as 4, 500m, 16Gi): " + String.join(", ", bad));
        }
        return out;
    }

    private static Quantity quantity(String raw) {
        try {
            Quantity q = Quantity.parse(raw.strip());
            return q.getNumericalAmount().signum() < 0 ? null : new Quantity(raw.strip());
        } catch (IllegalArgumentException | ArithmeticException e) {
            return null;
        }
    }

    private static JsonNode json(String name, String raw) {
        try {
            JsonNode node = JSON.readTree(raw);
            if (!node.isObject()) {
                throw new ConfigException(name, "must be a JSON object");
            }
            return node;
        } catch (JacksonException e) {
            throw new ConfigException(name, "not valid JSON: " + e.getOriginalMessage());
        }
    }
}
