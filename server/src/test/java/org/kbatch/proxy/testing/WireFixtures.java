package org.kbatch.proxy.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The one loader of the captured CLI ↔ reference exchanges in {@code src/test/resources/wire/} (copies of
 * {@code ../shared/wire/}, see the README there), and the comparisons the tests make on them: the golden renderer
 * test (requests in, Kubernetes calls out), the wire codec tests (the dialect both ways) and the server tests that
 * submit what the CLI sent.
 */
public final class WireFixtures {

    public static final JsonMapper JSON = JsonMapper.builder().build();
    public static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private WireFixtures() {
    }

    /** A whole exchange, e.g. {@code exchange("05-job-submit-with-code")}. */
    public static JsonNode exchange(String name) {
        return read(name + ".json");
    }

    /** A file of {@code wire/} as a JSON tree. */
    public static JsonNode read(String file) {
        try (InputStream in = stream(file)) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The proxy's job template of the capture, parsed as the configuration does (a camelCase map). */
    public static Map<String, Object> jobTemplate() {
        try (InputStream in = stream("job_template.yaml")) {
            return YAMLMapper.builder().build().readValue(in, new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The request body of exchange {@code name} (e.g. {@code 05-job-submit-with-code}): what the CLI sent. */
    public static JsonNode requestBody(String name) {
        return exchange(name).get("request").get("body");
    }

    /** The response body of exchange {@code name}: what the reference answered. */
    public static JsonNode responseBody(String name) {
        return exchange(name).get("response").get("body");
    }

    public static byte[] bytes(JsonNode node) {
        return JSON.writeValueAsBytes(node);
    }

    public static JsonNode tree(byte[] json) {
        return JSON.readTree(json);
    }

    /** The body of the first Kubernetes call of exchange {@code name} with this method whose path ends so. */
    public static JsonNode k8sCall(String name, String method, String pathEnd) {
        return k8sCallNode(name, method, pathEnd).get("body");
    }

    /** The path of that call. */
    public static String k8sCallPath(String name, String method, String pathEnd) {
        return k8sCallNode(name, method, pathEnd).get("path").asString();
    }

    private static JsonNode k8sCallNode(String name, String method, String pathEnd) {
        for (JsonNode call : read(name + "-k8s-calls.json").get("calls")) {
            if (call.get("method").asString().equals(method) && call.get("path").asString().matches(".*" + pathEnd)) {
                return call;
            }
        }
        throw new AssertionError("no " + method + " *" + pathEnd + " in " + name);
    }

    /** The JSON a model is sent as (fabric8's serialisation: camelCase, nulls and empty collections omitted). */
    public static JsonNode wire(Object model) {
        return JSON.readTree(SERIALIZATION.asJson(model));
    }

    /** The tree with object keys sorted at every level, so two equal trees print identically. */
    public static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            Map<String, JsonNode> byKey = new TreeMap<>();
            node.properties().forEach(e -> byKey.put(e.getKey(), sorted(e.getValue())));
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            byKey.forEach(out::set);
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.values().forEach(v -> out.add(sorted(v)));
            return out;
        }
        return node;
    }

    private static InputStream stream(String file) {
        InputStream in = WireFixtures.class.getResourceAsStream("/wire/" + file);
        if (in == null) {
            throw new AssertionError("missing test resource wire/" + file);
        }
        return in;
    }

    /**
     * Test-only stand-in for the wire codec: the CLI's snake_case {@code to_dict()} form turned into the camelCase
     * Kubernetes JSON that fabric8 reads. Keys are converted at every level except inside free-form maps, whose keys
     * are data ({@code nvidia.com/gpu}, label keys, ConfigMap keys); nulls (Python's unset fields) are dropped.
     */
    public static final class SnakeToCamel {

        private static final Set<String> FREE_FORM = Set.of(
                "labels", "annotations", "limits", "requests", "nodeSelector", "data", "binaryData");
        /** Keys whose camelCase form is not the mechanical one (Kubernetes spells the acronyms in capitals). */
        private static final Map<String, String> IRREGULAR = Map.of(
                "host_ipc", "hostIPC",
                "host_pid", "hostPID",
                "set_hostname_as_fqdn", "setHostnameAsFQDN",
                "pod_i_ps", "podIPs",
                "host_i_ps", "hostIPs",
                "_exec", "exec",
                "_continue", "continue");

        private SnakeToCamel() {
        }

        public static JsonNode convert(JsonNode node) {
            if (node.isObject()) {
                ObjectNode out = JsonNodeFactory.instance.objectNode();
                node.properties().forEach(e -> {
                    if (e.getValue().isNull()) {
                        return;
                    }
                    String key = camel(e.getKey());
                    out.set(key, FREE_FORM.contains(key) ? e.getValue().deepCopy() : convert(e.getValue()));
                });
                return out;
            }
            if (node.isArray()) {
                ArrayNode out = JsonNodeFactory.instance.arrayNode();
                node.values().forEach(v -> out.add(convert(v)));
                return out;
            }
            return node.deepCopy();
        }

        public static String camel(String key) {
            String irregular = IRREGULAR.get(key);
            if (irregular != null) {
                return irregular;
            }
            StringBuilder out = new StringBuilder(key.length());
            boolean upper = false;
            for (char c : key.toCharArray()) {
                if (c == '_') {
                    upper = true;
                } else {
                    out.append(upper ? Character.toUpperCase(c) : c);
                    upper = false;
                }
            }
            return out.toString();
        }

        /** The snake_case JSON as a fabric8 model. */
        public static <T> T read(JsonNode snake, Class<T> type) {
            return SERIALIZATION.unmarshal(JSON.writeValueAsString(convert(snake)), type);
        }
    }

    /**
     * The documented equivalence: {@code null}, an absent key, {@code []} and {@code {}} all mean "unset". Removes
     * every such entry, bottom-up, so that two documents that differ only in how they spell "unset" become equal.
     */
    public static JsonNode normalise(JsonNode node) {
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
    public record Coverage(List<String> missing, List<String> different, List<String> inventedValues) {
    }

    /**
     * Walks {@code reference} and {@code emitted} side by side. {@code missing}: keys of the reference that
     * {@code emitted} lacks; {@code different}: values that differ (an empty list or map equals {@code null}, the
     * documented choice); {@code inventedValues}: keys only {@code emitted} has whose value is not {@code null}.
     */
    public static Coverage cover(JsonNode reference, JsonNode emitted) {
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
    public static List<String> pathsOfKey(JsonNode node, String key) {
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
