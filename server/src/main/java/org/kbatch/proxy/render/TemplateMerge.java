package org.kbatch.proxy.render;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Merging the administrator's job template ({@code KBATCH_JOB_TEMPLATE_FILE}) into a submitted job, as the reference's
 * {@code merge_json_objects} does: objects are merged key by key with the template's value winning, lists are
 * concatenated (the user's items first), anything else is replaced by the template's value. The template's
 * {@code null}s are skipped, as the reference strips them from the template first. One addition: a template
 * container (or init container) named like one of the user's is merged into it, so a template can give the CLI's
 * container {@code job} a volume mount (where the reference would add a second container of that name, which the API
 * server refuses).
 *
 * <p>Only the template's {@code metadata} and {@code spec} are merged, into the job part: a Job's own metadata and
 * spec, or a CronJob's {@code spec.jobTemplate}. (The reference merges the template into the CronJob object itself,
 * which puts the template's annotations on the CronJob, drops {@code spec.backoffLimit} and never lets
 * {@code spec.template.*}, e.g. a {@code nodeSelector}, reach the CronJob's pods; merging into the job template gives
 * CronJob pods the same settings as Job pods.) Other top-level keys of the template ({@code apiVersion},
 * {@code kind}) are ignored.
 */
final class TemplateMerge {

    private static final List<String> MERGED_KEYS = List.of("metadata", "spec");

    private TemplateMerge() {
    }

    /** The step: {@code job} with the template merged in; {@code job} itself when there is no template. */
    static JobTemplateSpec mergeAdminTemplate(JobTemplateSpec job, Map<String, Object> template) {
        if (template == null || template.isEmpty()) {
            return job;
        }
        JsonNode templateTree = templateTree(template);
        ObjectNode merged = Models.SERIALIZATION.convertValue(job, ObjectNode.class);
        for (String key : MERGED_KEYS) {
            JsonNode templateValue = templateTree.get(key);
            if (templateValue != null && !templateValue.isNull()) {
                merged.set(key, merge(key, merged.get(key), templateValue));
            }
        }
        return Models.SERIALIZATION.convertValue(merged, JobTemplateSpec.class);
    }

    /**
     * {@code user} merged with {@code template}; neither is modified. Objects merge key by key (template wins),
     * arrays concatenate (user's first), otherwise the template's value is taken.
     */
    static JsonNode merge(JsonNode user, JsonNode template) {
        return merge("", user, template);
    }

    /**
     * The same, knowing the key the values sit under: a template's entry in {@code containers} or
     * {@code initContainers} with the name of one of the user's is merged into that one instead of added beside it
     * (two containers of one name would be refused by the API server). So a template can mount a volume into the
     * CLI's container, {@code job}: the home-directory recipe.
     */
    private static JsonNode merge(String key, JsonNode user, JsonNode template) {
        if (user != null && user.isObject() && template.isObject()) {
            ObjectNode out = ((ObjectNode) user).deepCopy();
            template.properties().forEach(e -> {
                if (!e.getValue().isNull()) {
                    out.set(e.getKey(), merge(e.getKey(), user.get(e.getKey()), e.getValue()));
                }
            });
            return out;
        }
        if (user != null && user.isArray() && template.isArray()) {
            ArrayNode out = ((ArrayNode) user).deepCopy();
            boolean byName = key.equals("containers") || key.equals("initContainers");
            template.values().forEach(v -> {
                int same = byName ? indexByName(out, v.path("name").asString(null)) : -1;
                if (same >= 0) {
                    out.set(same, merge("", out.get(same), v));
                } else {
                    out.add(v.deepCopy());
                }
            });
            return out;
        }
        return withoutNulls(template);
    }

    private static int indexByName(ArrayNode items, String name) {
        if (name == null) {
            return -1;
        }
        for (int i = 0; i < items.size(); i++) {
            if (name.equals(items.get(i).path("name").asString(null))) {
                return i;
            }
        }
        return -1;
    }

    /** The camelCase template map (parsed YAML) as a JSON tree, the merge's input. */
    static JsonNode templateTree(Map<String, Object> template) {
        return Models.SERIALIZATION.convertValue(template, JsonNode.class);
    }

    /**
     * Fails with an {@link IllegalArgumentException} unless the template reads as a Job, so a broken template file
     * is reported once at startup instead of failing every submission.
     */
    static void requireJobShaped(Map<String, Object> template) {
        if (template == null) {
            return;
        }
        try {
            Models.SERIALIZATION.convertValue(template, Job.class);
        } catch (JacksonException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the job template is not a Job: " + e.getMessage(), e);
        }
    }

    private static JsonNode withoutNulls(JsonNode node) {
        if (!node.isObject()) {
            return node.deepCopy();
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        node.properties().forEach(e -> {
            if (!e.getValue().isNull()) {
                out.set(e.getKey(), withoutNulls(e.getValue()));
            }
        });
        return out;
    }
}
