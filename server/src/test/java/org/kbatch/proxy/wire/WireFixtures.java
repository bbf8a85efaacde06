package org.kbatch.proxy.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The captured CLI ↔ reference exchanges under {@code src/test/resources/wire/} (copied from the shared wire
 * captures), and the comparisons the dialect tests make on them.
 */
final class WireFixtures {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private WireFixtures() {
    }

    /** A whole fixture file, e.g. {@code exchange("05-job-submit-with-code")}. */
    static JsonNode exchange(String name) {
        try (InputStream in = WireFixtures.class.getResourceAsStream("/wire/" + name + ".json")) {
            if (in == null) {
                throw new IllegalArgumentException("No fixture wire/" + name + ".json");
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode requestBody(String name) {
        return exchange(name).get("request").get("body");
    }

    static JsonNode responseBody(String name) {
        return exchange(name).get("response").get("body");
    }

    static byte[] bytes(JsonNode node) {
        return JSON.writeValueAsBytes(node);
    }

    static JsonNode tree(byte[] json) {
        return JSON.readTree(json);
    }

    /**
     * The documented equivalence: {@code null}, an absent key, {@code []} and {@code {}} all mean "unset". Removes
     * every such entry, bottom-up, so that two documents that differ only in how they spell "unset" become equal.
     */
    static JsonNode normalise(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = JSON.createObjectNode();
            for (Map.Entry<String, JsonNode> entry : node.properties()) {
                JsonNode value = normalise(entry.getValue());
                if (!isUnset(value)) {
                    out.set(entry.getKey(), value);
                }
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JSON.createArrayNode();
            node.forEach(element -> out.add(normalise(element)));
            return out;
        }
        return node;
    }

    private static boolean isUnset(JsonNode value) {
        return value.isNull() || (value.isContainer() && value.isEmpty());
    }

    /** How an emitted document covers a reference document, key by key. */
    record Coverage(List<String> missing, List<String> different, List<String> inventedValues) {
    }

    /**
     * Walks {@code reference} and {@code emitted} side by side. {@code missing}: keys of the reference that
     * {@code emitted} lacks; {@code different}: values that differ (an empty list or map equals {@code null}, the
     * documented choice); {@code inventedValues}: keys only {@code emitted} has whose value is not {@code null}.
     */
    static Coverage cover(JsonNode reference, JsonNode emitted) {
        Coverage coverage = new Coverage(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        cover("", reference, emitted, coverage);
        return coverage;
    }

    private static void cover(String path, JsonNode reference, JsonNode emitted, Coverage coverage) {
        if (isUnset(reference) && isUnset(emitted)) {
            return;
        }
        if (reference.isObject() && emitted.isObject()) {
            for (Map.Entry<String, JsonNode> entry : reference.properties()) {
                String child = path.isEmpty() ? entry.getKey() : path + "." + entry.getKey();
                if (!emitted.has(entry.getKey())) {
                    coverage.missing().add(child);
                } else {
                    cover(child, entry.getValue(), emitted.get(entry.getKey()), coverage);
                }
            }
            for (Iterator<String> names = emitted.propertyNames().iterator(); names.hasNext(); ) {
                String name = names.next();
                if (!reference.has(name) && !emitted.get(name).isNull()) {
                    coverage.inventedValues().add(path + "." + name + "=" + emitted.get(name));
                }
            }
            return;
        }
        if (reference.isArray() && emitted.isArray() && reference.size() == emitted.size()) {
            for (int i = 0; i < reference.size(); i++) {
                cover(path + "[" + i + "]", reference.get(i), emitted.get(i), coverage);
            }
            return;
        }
        if (!reference.equals(emitted)) {
            coverage.different().add(path + ": reference " + reference + ", emitted " + emitted);
        }
    }

    /** Every key path in {@code node} whose last key is {@code key}. */
    static List<String> pathsOfKey(JsonNode node, String key) {
        List<String> paths = new ArrayList<>();
        pathsOfKey("", node, key, paths);
        return paths;
    }

    private static void pathsOfKey(String path, JsonNode node, String key, List<String> paths) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> entry : node.properties()) {
                String child = path.isEmpty() ? entry.getKey() : path + "." + entry.getKey();
                if (entry.getKey().equals(key)) {
                    paths.add(child);
                }
                pathsOfKey(child, entry.getValue(), key, paths);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                pathsOfKey(path + "[" + i + "]", node.get(i), key, paths);
            }
        }
    }
}
