package org.kbatch.proxy.helm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The chart rendered by Helm (embedded through helm-java: no helm binary, no cluster), parsed into one JSON tree per
 * Kubernetes object, with look-ups the chart tests share.
 */
final class RenderedChart {

    static final Path CHART = Path.of("..", "helm", "kbatch-proxy").toAbsolutePath().normalize();
    static final Path FULL_VALUES = resource("/helm/full-values.yaml");
    static final String RELEASE = "kbatch-proxy";
    static final String NAMESPACE = "jhub";
    static final YAMLMapper YAML = YAMLMapper.builder().build();

    private final String text;
    private final List<JsonNode> objects;

    private RenderedChart(String text, List<JsonNode> objects) {
        this.text = text;
        this.objects = objects;
    }

    /** {@code helm template kbatch-proxy <chart> --namespace jhub} with the given options (values files, --set). */
    static RenderedChart template(Path chart, UnaryOperator<TemplateCommand> options) {
        assertTrue(Files.isRegularFile(chart.resolve("Chart.yaml")), "no chart at " + chart);
        TemplateCommand command = new Helm(chart).template().withName(RELEASE).withNamespace(NAMESPACE);
        String yaml = options.apply(command).call();
        return parse(yaml);
    }

    static RenderedChart template(UnaryOperator<TemplateCommand> options) {
        return template(CHART, options);
    }

    static RenderedChart parse(String yaml) {
        List<JsonNode> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            for (JsonNode doc : docs.readAll()) {
                if (doc != null && doc.isObject() && doc.has("kind")) {
                    objects.add(doc);
                }
            }
        }
        return new RenderedChart(yaml, List.copyOf(objects));
    }

    String text() {
        return text;
    }

    List<JsonNode> objects() {
        return objects;
    }

    List<JsonNode> all(String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asString())).toList();
    }

    Optional<JsonNode> find(String kind) {
        List<JsonNode> found = all(kind);
        assertTrue(found.size() <= 1, "more than one " + kind + ": " + found);
        return found.stream().findFirst();
    }

    JsonNode one(String kind) {
        return find(kind).orElseGet(() -> fail("no " + kind + " rendered; kinds: " + kinds()));
    }

    JsonNode named(String kind, String name) {
        return all(kind).stream().filter(o -> name.equals(o.at("/metadata/name").asString())).findFirst()
                .orElseGet(() -> fail("no " + kind + " named " + name + " rendered"));
    }

    List<String> kinds() {
        return objects.stream().map(o -> o.path("kind").asString()).toList();
    }

    JsonNode podSpec() {
        return one("Deployment").at("/spec/template/spec");
    }

    /** The proxy's (only) container. */
    JsonNode container() {
        JsonNode containers = podSpec().path("containers");
        assertEquals(1, containers.size(), "containers: " + containers);
        return containers.get(0);
    }

    /** The container's env entry of that name (the test fails when it is missing). */
    JsonNode env(String name) {
        return envEntry(name).orElseGet(() -> fail("no env " + name + " in " + container().path("env")));
    }

    Optional<JsonNode> envEntry(String name) {
        List<JsonNode> matches = container().path("env").values().stream()
                .filter(e -> name.equals(e.path("name").asString())).toList();
        assertTrue(matches.size() <= 1, "env " + name + " is set more than once: " + matches);
        return matches.stream().findFirst();
    }

    /** The plain value of an env entry (not valueFrom). */
    String envValue(String name) {
        JsonNode entry = env(name);
        assertTrue(entry.path("value").isString(), name + " has no plain value: " + entry);
        return entry.path("value").asString();
    }

    /**
     * The content of the file at {@code path} in the proxy's container when it comes from a ConfigMap volume: the
     * mount that holds it, its volume, the rendered ConfigMap and its data key.
     */
    Optional<String> configMapFile(String path) {
        for (JsonNode mount : container().path("volumeMounts").values()) {
            String mountPath = mount.path("mountPath").asString();
            if (!path.startsWith(mountPath + "/") || mount.has("subPath")) {
                continue;
            }
            String key = path.substring(mountPath.length() + 1);
            JsonNode volume = volume(mount.path("name").asString());
            if (!volume.has("configMap")) {
                continue;
            }
            JsonNode configMap = named("ConfigMap", volume.at("/configMap/name").asString());
            JsonNode content = configMap.path("data").path(key);
            return content.isString() ? Optional.of(content.asString()) : Optional.empty();
        }
        return Optional.empty();
    }

    JsonNode volume(String name) {
        return podSpec().path("volumes").values().stream()
                .filter(v -> name.equals(v.path("name").asString())).findFirst()
                .orElseGet(() -> fail("no volume " + name + " in " + podSpec().path("volumes")));
    }

    JsonNode mountAt(String mountPath) {
        return container().path("volumeMounts").values().stream()
                .filter(m -> mountPath.equals(m.path("mountPath").asString())).findFirst()
                .orElseGet(() -> fail("nothing mounted at " + mountPath + ": " + container().path("volumeMounts")));
    }

    static JsonNode readYaml(String yaml) {
        return YAML.readTree(yaml);
    }

    static JsonNode readYaml(Path file) {
        try {
            return YAML.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Helm's merge of values: maps merge key by key, anything else (lists too) replaces; null removes. */
    static JsonNode mergeValues(JsonNode base, JsonNode override) {
        if (!(base instanceof ObjectNode baseObject) || !override.isObject()) {
            return override.deepCopy();
        }
        ObjectNode merged = baseObject.deepCopy();
        for (Map.Entry<String, JsonNode> e : override.properties()) {
            if (e.getValue().isNull()) {
                merged.remove(e.getKey());
            } else if (merged.has(e.getKey())) {
                merged.set(e.getKey(), mergeValues(merged.get(e.getKey()), e.getValue()));
            } else {
                merged.set(e.getKey(), e.getValue().deepCopy());
            }
        }
        return merged;
    }

    /** A copy of the chart in {@code dir}, to lint or render it with changes. */
    static Path copyChart(Path dir) {
        Path copy = dir.resolve("kbatch-proxy");
        try (Stream<Path> files = Files.walk(CHART)) {
            for (Path file : files.toList()) {
                Path target = copy.resolve(CHART.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return copy;
    }

    private static Path resource(String name) {
        try {
            return Path.of(RenderedChart.class.getResource(name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("test resource missing: " + name, e);
        }
    }
}
