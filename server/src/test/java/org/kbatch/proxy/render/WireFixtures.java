package org.kbatch.proxy.render;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** Reading the captured exchanges in {@code src/test/resources/render/} and turning models into comparable trees. */
final class WireFixtures {

    static final ObjectMapper JSON = JsonMapper.builder().build();
    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private WireFixtures() {
    }

    /** A resource file of {@code render/} as a JSON tree. */
    static JsonNode read(String file) {
        try (InputStream in = stream(file)) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The proxy's job template of the capture, parsed as the configuration does (a camelCase map). */
    static Map<String, Object> jobTemplate() {
        try (InputStream in = stream("job_template.yaml")) {
            return YAMLMapper.builder().build().readValue(in, new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The request body of exchange {@code name} (e.g. {@code 05-job-submit-with-code}). */
    static JsonNode requestBody(String name) {
        return read(name + ".json").get("request").get("body");
    }

    /** The body of the first Kubernetes call of exchange {@code name} with this method whose path ends so. */
    static JsonNode k8sCall(String name, String method, String pathEnd) {
        return k8sCallNode(name, method, pathEnd).get("body");
    }

    /** The path of that call. */
    static String k8sCallPath(String name, String method, String pathEnd) {
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
    static JsonNode wire(Object model) {
        return JSON.readTree(SERIALIZATION.asJson(model));
    }

    /** The tree with object keys sorted at every level, so two equal trees print identically. */
    static JsonNode sorted(JsonNode node) {
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
        InputStream in = WireFixtures.class.getResourceAsStream("/render/" + file);
        if (in == null) {
            throw new AssertionError("missing test resource render/" + file);
        }
        return in;
    }

    /**
     * Test-only stand-in for the wire codec: the CLI's snake_case {@code to_dict()} form turned into the camelCase
     * Kubernetes JSON that fabric8 reads. Keys are converted at every level except inside free-form maps, whose keys
     * are data ({@code nvidia.com/gpu}, label keys, ConfigMap keys); nulls (Python's unset fields) are dropped.
     */
    static final class SnakeToCamel {

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

        static JsonNode convert(JsonNode node) {
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

        static String camel(String key) {
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
        static <T> T read(JsonNode snake, Class<T> type) {
            return SERIALIZATION.unmarshal(JSON.writeValueAsString(convert(snake)), type);
        }
    }
}
