package org.kbatch.proxy.wire;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.SerializableString;
import tools.jackson.core.io.SerializedString;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.ser.BeanPropertyWriter;
import tools.jackson.databind.ser.PropertyWriter;
import tools.jackson.databind.ser.bean.BeanSerializerBase;

/**
 * Rewrites lists as the Kubernetes API sends them into the CLI's dialect, one item at a time, without building
 * fabric8 models. The output is what {@link WireCodec#write} makes of the same list parsed into fabric8's models
 * (tests hold the two byte for byte equal), but a 1,000-job list costs a fraction of the CPU and none of the memory:
 * each item is read as a small JSON tree, written out and dropped, and each page of the list is fetched only when the
 * previous one has been written.
 *
 * <p>What to write comes from the codec's own mapper: for each fabric8 model class, the properties its serializer
 * writes (Python name, sorted), the Kubernetes name each is read from, and how its value is written (a nested model,
 * a list or map that is {@code null} when empty, a timestamp with an explicit offset, or a plain value as it came).
 * Like the codec, keys of the API's JSON that the model does not know are left out, and unset properties are
 * {@code null}.
 */
final class DialectTranscoder {

    private final JsonMapper mapper;
    private final Map<Class<?>, Shape> shapes = new ConcurrentHashMap<>();

    DialectTranscoder(JsonMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * Writes the list whose pages {@code pages} fetches: {@code pages.apply(null)} is the first page, then
     * {@code pages.apply(token)} with the {@code continue} token of the page before, until a page has none. The
     * first page may be fetched ahead (to answer an error before anything was written) and passed as {@code first}.
     */
    void writeList(Class<? extends KubernetesResourceList<?>> listType, String apiVersion, String kind,
                   InputStream first, Function<String, InputStream> pages, OutputStream out) {
        Shape list = shape(listType);
        ObjectNode envelope = mapper.createObjectNode();
        envelope.put("apiVersion", apiVersion);
        envelope.put("kind", kind);
        ObjectNode meta = envelope.putObject("metadata");
        JsonGenerator generator = mapper.createGenerator(out);
        generator.writeStartObject();
        for (Property property : list.properties()) {
            generator.writeName(property.python());
            if (!property.kubernetes().equals("items")) {
                write(property.value(), envelope.get(property.kubernetes()), generator);
                continue;
            }
            Value item = ((Sequence) property.value()).element();
            generator.writeStartArray();
            InputStream page = first;
            while (page != null) {
                String next = writeItems(page, item, meta, generator);
                page = next == null || next.isEmpty() ? null : pages.apply(next);
            }
            generator.writeEndArray();
        }
        generator.writeEndObject();
        generator.flush();
    }

    /**
     * Writes the items of one page and returns its {@code continue} token; the page's {@code resourceVersion} goes
     * into {@code meta} (the list's own metadata is that of its last page, as the codec wrote it).
     */
    private String writeItems(InputStream page, Value item, ObjectNode meta, JsonGenerator generator) {
        String next = null;
        try (JsonParser parser = mapper.createParser(page)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalStateException("The Kubernetes API answered a list with something else");
            }
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                JsonToken token = parser.nextToken();
                if (name.equals("items") && token == JsonToken.START_ARRAY) {
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        write(item, parser.readValueAsTree(), generator);
                    }
                } else if (name.equals("metadata") && token == JsonToken.START_OBJECT) {
                    JsonNode pageMeta = parser.readValueAsTree();
                    JsonNode version = pageMeta.get("resourceVersion");
                    if (version != null && !version.isNull()) {
                        meta.put("resourceVersion", version.asString());
                    }
                    JsonNode continueToken = pageMeta.get("continue");
                    next = continueToken == null || continueToken.isNull() ? null : continueToken.asString();
                } else {
                    parser.skipChildren();
                }
            }
        }
        return next;
    }

    private void write(Value value, JsonNode node, JsonGenerator generator) {
        if (node == null || node.isNull()) {
            generator.writeNull();
            return;
        }
        switch (value) {
            case Plain plain -> copy(node, generator);
            case Timestamp timestamp -> {
                if (node.isString()) {
                    generator.writeString(DialectSerializerModifier.withExplicitOffset(node.asString()));
                } else {
                    copy(node, generator);
                }
            }
            case Model model -> {
                if (!node.isObject()) {
                    copy(node, generator);
                    return;
                }
                Shape shape = model.shape(this);
                // The API sends few of a model's many properties: place those by name, then write all in order.
                JsonNode[] given = new JsonNode[shape.properties().size()];
                for (Map.Entry<String, JsonNode> entry : node.properties()) {
                    Integer slot = shape.slots().get(entry.getKey());
                    if (slot != null) {
                        given[slot] = entry.getValue();
                    }
                }
                generator.writeStartObject();
                for (int i = 0; i < given.length; i++) {
                    Property property = shape.properties().get(i);
                    generator.writeName(property.python());
                    if (given[i] == null && property.absent() != null) {
                        copy(property.absent(), generator);
                    } else {
                        write(property.value(), given[i], generator);
                    }
                }
                generator.writeEndObject();
            }
            case Sequence sequence -> {
                if (!node.isArray()) {
                    copy(node, generator);
                } else if (node.isEmpty() && sequence.emptyAsNull()) {
                    generator.writeNull();
                } else {
                    generator.writeStartArray();
                    for (JsonNode element : node) {
                        write(sequence.element(), element, generator);
                    }
                    generator.writeEndArray();
                }
            }
            case Dictionary dictionary -> {
                if (!node.isObject()) {
                    copy(node, generator);
                } else if (node.isEmpty() && dictionary.emptyAsNull()) {
                    generator.writeNull();
                } else {
                    generator.writeStartObject();
                    for (Map.Entry<String, JsonNode> entry : node.properties()) {
                        generator.writeName(entry.getKey());
                        write(dictionary.element(), entry.getValue(), generator);
                    }
                    generator.writeEndObject();
                }
            }
        }
    }

    /**
     * Writes a value as it is (the codec writes these the same way). Done by hand: the generator's {@code writeTree}
     * goes through the mapper for every value, which cost more than the rest of the transcoding together.
     */
    private static void copy(JsonNode node, JsonGenerator generator) {
        switch (node.getNodeType()) {
            case STRING -> generator.writeString(node.asString());
            case NUMBER -> {
                switch (node.numberType()) {
                    case INT -> generator.writeNumber(node.intValue());
                    case LONG -> generator.writeNumber(node.longValue());
                    case BIG_INTEGER -> generator.writeNumber(node.bigIntegerValue());
                    case BIG_DECIMAL -> generator.writeNumber(node.decimalValue());
                    case FLOAT -> generator.writeNumber(node.floatValue());
                    default -> generator.writeNumber(node.doubleValue());
                }
            }
            case BOOLEAN -> generator.writeBoolean(node.booleanValue());
            case OBJECT -> {
                generator.writeStartObject();
                for (Map.Entry<String, JsonNode> entry : node.properties()) {
                    generator.writeName(entry.getKey());
                    copy(entry.getValue(), generator);
                }
                generator.writeEndObject();
            }
            case ARRAY -> {
                generator.writeStartArray();
                for (JsonNode element : node) {
                    copy(element, generator);
                }
                generator.writeEndArray();
            }
            case NULL, MISSING -> generator.writeNull();
            default -> generator.writeTree(node);
        }
    }

    /** The properties the codec writes for a model class, in its order. */
    private Shape shape(Class<?> type) {
        // Built from the serializer alone; nested models are resolved when written, so building never recurses.
        return shapes.computeIfAbsent(type, this::buildShape);
    }

    private Shape buildShape(Class<?> type) {
        ValueSerializer<Object> serializer = mapper._serializationContext().findValueSerializer(type);
        if (!(serializer instanceof BeanSerializerBase bean)) {
            throw new IllegalArgumentException("Not a model with properties: " + type.getName());
        }
        boolean isList = KubernetesResourceList.class.isAssignableFrom(type);
        JsonNode defaults = defaults(type);
        List<Property> properties = new ArrayList<>();
        for (var it = bean.properties(); it.hasNext(); ) {
            PropertyWriter writer = it.next();
            String kubernetes = DialectIntrospector.kubernetesName(writer.getMember());
            if (kubernetes == null) {
                throw new IllegalStateException("No Kubernetes name for " + type.getName() + "." + writer.getName());
            }
            boolean items = isList && writer.getName().equals("items");
            JsonNode absent = defaults.get(writer.getName());
            properties.add(new Property(new SerializedString(writer.getName()), kubernetes,
                    valueOf(writer.getName(), ((BeanPropertyWriter) writer).getType(), !items),
                    absent == null || absent.isNull() ? null : absent));
        }
        Map<String, Integer> slots = new java.util.HashMap<>();
        for (int i = 0; i < properties.size(); i++) {
            slots.put(properties.get(i).kubernetes(), i);
        }
        return new Shape(List.copyOf(properties), Map.copyOf(slots));
    }

    /**
     * What the codec writes for a model that was read without the property: fabric8's models start with some
     * properties set (a Job's {@code apiVersion} and {@code kind}, which the API leaves out of list items).
     */
    private JsonNode defaults(Class<?> type) {
        try {
            return mapper.valueToTree(type.getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException e) {
            return mapper.createObjectNode();
        }
    }

    /** How the codec writes a property of this type (see {@link DialectSerializerModifier}). */
    private Value valueOf(String pythonName, JavaType type, boolean emptyAsNull) {
        if (type.getRawClass() == String.class && DialectSerializerModifier.TIMESTAMPS.contains(pythonName)) {
            return Timestamp.INSTANCE;
        }
        return element(type, emptyAsNull);
    }

    /**
     * How the codec writes a value of this type: a list, a map, a nested model or a plain value. {@code emptyAsNull}:
     * an empty list or map here is written {@code null}, which the codec does for a model's properties only (not for
     * the items of a list, nor for lists inside lists or maps).
     */
    private Value element(JavaType type, boolean emptyAsNull) {
        Class<?> raw = type.getRawClass();
        if (Collection.class.isAssignableFrom(raw)) {
            return new Sequence(element(type.getContentType(), false), emptyAsNull);
        }
        if (Map.class.isAssignableFrom(raw)) {
            return new Dictionary(element(type.getContentType(), false), emptyAsNull);
        }
        if (DialectIntrospector.isModel(raw)
                && mapper._serializationContext().findValueSerializer(raw) instanceof BeanSerializerBase) {
            return new Model(raw);
        }
        return Plain.INSTANCE;
    }

    /** A model's properties in the codec's order, and the position of each by its Kubernetes name. */
    private record Shape(List<Property> properties, Map<String, Integer> slots) {
    }

    /**
     * A property: its Python name (pre-encoded: written once per item), the API's name for it, how its value is
     * written, and what is written when the API left it out ({@code null} for {@code null}).
     */
    private record Property(SerializableString python, String kubernetes, Value value, JsonNode absent) {
    }

    private sealed interface Value permits Plain, Timestamp, Model, Sequence, Dictionary {
    }

    /** Written as it came from the API (strings, numbers, booleans, quantities, free-form values). */
    private enum Plain implements Value { INSTANCE }

    /** A UTC timestamp gets {@code +00:00} instead of {@code Z}. */
    private enum Timestamp implements Value { INSTANCE }

    /** A nested model; its shape is looked up once, when first written (models may nest themselves). */
    private static final class Model implements Value {

        private final Class<?> type;
        private volatile Shape shape;

        Model(Class<?> type) {
            this.type = type;
        }

        Shape shape(DialectTranscoder transcoder) {
            Shape known = shape;
            if (known == null) {
                known = transcoder.shape(type);
                shape = known;
            }
            return known;
        }
    }

    private record Sequence(Value element, boolean emptyAsNull) implements Value {
    }

    private record Dictionary(Value element, boolean emptyAsNull) implements Value {
    }
}
