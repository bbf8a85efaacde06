package org.kbatch.proxy.wire;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobList;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobList;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.cfg.MutableCoercionConfig;
import tools.jackson.databind.deser.DeserializationProblemHandler;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.PropertyBindingException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.node.JsonNodeType;
import tools.jackson.databind.type.LogicalType;

/**
 * Reads and writes Kubernetes objects in the kbatch CLI's dialect: the Python client's {@code to_dict()} JSON
 * (snake_case keys at every level, every property present, {@code null} when unset), to and from fabric8's models.
 *
 * <p>Reading accepts snake_case and camelCase keys (mixed too) and {@code null} for anything unset; it never renames
 * the keys of free-form maps (labels, annotations, resource limits, node selectors, ConfigMap data, ...). A key the
 * model does not know is an error naming its path, except for the few {@link #OBSOLETE_KEYS} the Python client
 * still sends. Writing emits every property of a fabric8 model under its Python name, {@code null} when unset, with
 * empty lists and maps as {@code null} and timestamps with an explicit {@code +00:00} (see
 * {@link DialectSerializerModifier}). Objects that are not fabric8 models keep their usual Jackson shape, with any
 * fabric8 models inside them in the dialect.
 *
 * <p>The mapper is built once in {@link #create()}; a codec is immutable, thread-safe and meant to be shared.
 */
public final class WireCodec {

    /**
     * Keys the CLI's Python client (python-kubernetes 22.6) sends that fabric8's current model no longer has, because
     * Kubernetes removed the field. They are read and dropped instead of failing the request:
     * <ul>
     *   <li>{@code ObjectMeta.cluster_name}: removed in Kubernetes 1.25, always {@code null} from the CLI.</li>
     * </ul>
     * Both spellings (snake and camel) are accepted. Everything else unknown is an error.
     */
    static final Map<Class<?>, Set<String>> OBSOLETE_KEYS = Map.of(
            ObjectMeta.class, Set.of("cluster_name", "clusterName"));

    private static final Set<String> SUBMISSION_KEYS = Set.of("job", "code");
    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final int MAX_SHOWN_VALUE = 40;

    private final JsonMapper mapper;
    private final DialectTranscoder transcoder;

    private WireCodec(JsonMapper mapper) {
        this.mapper = mapper;
        this.transcoder = new DialectTranscoder(mapper);
    }

    /** The lists the proxy passes through from the API server, with the envelope the dialect gives each. */
    public enum ListKind {
        JOBS(JobList.class, "batch/v1", "JobList"),
        CRONJOBS(CronJobList.class, "batch/v1", "CronJobList"),
        PODS(PodList.class, "v1", "PodList");

        private final Class<? extends KubernetesResourceList<?>> type;
        private final String apiVersion;
        private final String kind;

        ListKind(Class<? extends KubernetesResourceList<?>> type, String apiVersion, String kind) {
            this.type = type;
            this.apiVersion = apiVersion;
            this.kind = kind;
        }
    }

    /** A codec with its mapper built and configured; share it. */
    public static WireCodec create() {
        SimpleModule dialect = new SimpleModule("kbatch-wire-dialect");
        dialect.setSerializerModifier(new DialectSerializerModifier());
        JsonMapper.Builder builder = JsonMapper.builder()
                .annotationIntrospector(new DialectIntrospector())
                .propertyNamingStrategy(new DialectIntrospector.PythonNaming())
                // fabric8 names every property explicitly (@JsonProperty); rename those too.
                .enable(MapperFeature.ALLOW_EXPLICIT_PROPERTY_RENAMING)
                .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
                // "labels": null keeps fabric8's empty map, so code working on a submission need not null-check.
                // A null inside a list or map ("env": [null], "limits": {"cpu": null}) is an error: Kubernetes
                // would read it as an empty item, and no step after us expects one.
                .withConfigOverride(List.class, o -> o.setNullHandling(JsonSetter.Value.construct(Nulls.SKIP,
                        Nulls.FAIL)))
                .withConfigOverride(Map.class, o -> o.setNullHandling(JsonSetter.Value.construct(Nulls.SKIP,
                        Nulls.FAIL)))
                // Jackson 3 ignores unknown keys by default; a typo must be an error. "Ignored" keys are fabric8's
                // internals (additionalProperties), not something a client may send either.
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_IGNORED_PROPERTIES)
                // Scalars are read as strictly as the API server decodes them: a string is a JSON string (not 42
                // or true), an integer a JSON integer (not "2", 1.5 or true), a boolean true or false (not "true"
                // or 1). Quantities and int-or-string fields have their own readers (DialectIntrospector).
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .withCoercionConfig(LogicalType.Textual, c -> refuse(c, CoercionInputShape.Integer,
                        CoercionInputShape.Float, CoercionInputShape.Boolean))
                .withCoercionConfig(LogicalType.Integer, c -> refuse(c, CoercionInputShape.String,
                        CoercionInputShape.EmptyString, CoercionInputShape.Float, CoercionInputShape.Boolean))
                .withCoercionConfig(LogicalType.Float, c -> refuse(c, CoercionInputShape.String,
                        CoercionInputShape.EmptyString, CoercionInputShape.Boolean))
                .withCoercionConfig(LogicalType.Boolean, c -> refuse(c, CoercionInputShape.String,
                        CoercionInputShape.EmptyString, CoercionInputShape.Integer, CoercionInputShape.Float))
                .addHandler(new ObsoleteKeys())
                .addModule(dialect);
        return new WireCodec(builder.build());
    }

    private static void refuse(MutableCoercionConfig config, CoercionInputShape... shapes) {
        for (CoercionInputShape shape : shapes) {
            config.setCoercion(shape, CoercionAction.Fail);
        }
    }

    /** Reads one object (e.g. a Job) from the CLI's dialect; camelCase keys are accepted too. */
    public <T> T read(byte[] json, Class<T> type) {
        return convert(parse(json), type, "");
    }

    /** Reads the body of {@code POST jobs/}: {@code {"job": {...}, "code": {...}}}, {@code code} optional. */
    public JobSubmission readJobSubmission(byte[] body) {
        JsonNode root = parseSubmission(body);
        return new JobSubmission(convert(root.get("job"), Job.class, "job"), readCode(root));
    }

    /** Reads the body of {@code POST cronjobs/}: {@code {"job": {...}, "code": {...}}}, {@code code} optional. */
    public CronJobSubmission readCronJobSubmission(byte[] body) {
        JsonNode root = parseSubmission(body);
        return new CronJobSubmission(convert(root.get("job"), CronJob.class, "job"), readCode(root));
    }

    /** Writes a fabric8 model (or any object holding them) in the CLI's dialect, as UTF-8 JSON. */
    public byte[] write(Object value) {
        return mapper.writeValueAsBytes(value);
    }

    /**
     * Writes a list as the API server sends it (its JSON, page by page) in the CLI's dialect, without building models:
     * the same output as {@link #write} of the whole list parsed into fabric8's models, with the memory of one item.
     * {@code firstPage} is the first page's body; {@code nextPage} fetches the page after a {@code continue} token.
     * Every page is closed once written. Does not close {@code out}.
     */
    public void writeList(ListKind kind, InputStream firstPage, Function<String, InputStream> nextPage,
                          OutputStream out) {
        transcoder.writeList(kind.type, kind.apiVersion, kind.kind, firstPage, nextPage, out);
    }

    /** Writes a fabric8 model (or any object holding them) in the CLI's dialect. */
    public String writeString(Object value) {
        return mapper.writeValueAsString(value);
    }

    /**
     * The body as a JSON tree. What is not JSON is a 400 that says in our words what is wrong and where
     * ({@link JsonSyntax}); the parser only ever sees well-formed JSON.
     */
    private JsonNode parse(byte[] json) {
        if (json == null || JsonSyntax.isBlank(json)) {
            throw WireFormatException.invalid("Request body is empty; expected a JSON object");
        }
        JsonSyntax.check(json);
        try {
            return mapper.readTree(json);
        } catch (JacksonException e) {
            // Not expected after the check above; still, the library's words are not ours to pass on.
            throw WireFormatException.malformed("Malformed JSON in request body" + at(e.getLocation()), e);
        }
    }

    private static String at(TokenStreamLocation location) {
        return location == null || location.getLineNr() < 1 ? ""
                : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private JsonNode parseSubmission(byte[] body) {
        JsonNode root = parse(body);
        if (!root.isObject()) {
            throw WireFormatException.invalid(
                    "Request body must be a JSON object with a 'job' key, got " + describe(root));
        }
        for (String key : root.propertyNames()) {
            if (!SUBMISSION_KEYS.contains(key)) {
                throw WireFormatException.invalid(
                        "Unknown key '" + key + "' at the top level (expected 'job' and optionally 'code')");
            }
        }
        JsonNode job = root.get("job");
        if (job == null || job.isNull()) {
            throw WireFormatException.invalid("Missing 'job' in request body");
        }
        return root;
    }

    private ConfigMap readCode(JsonNode root) {
        JsonNode code = root.get("code");
        return code == null || code.isNull() ? null : convert(code, ConfigMap.class, "code");
    }

    /** Skips the {@link #OBSOLETE_KEYS}; any other unknown key stays an error. */
    private static final class ObsoleteKeys extends DeserializationProblemHandler {

        @Override
        public boolean handleUnknownProperty(DeserializationContext context, JsonParser parser,
                                             ValueDeserializer<?> deserializer, Object beanOrClass, String key) {
            Class<?> type = beanOrClass instanceof Class<?> c ? c : beanOrClass.getClass();
            if (OBSOLETE_KEYS.getOrDefault(type, Set.of()).contains(key)) {
                parser.skipChildren();
                return true;
            }
            return false;
        }
    }

    private <T> T convert(JsonNode node, Class<T> type, String rootPath) {
        if (!node.isObject()) {
            throw WireFormatException.invalid("Wrong type at " + displayPath(rootPath)
                    + ": expected " + expected(type) + ", got " + describe(node));
        }
        try {
            return mapper.treeToValue(node, type);
        } catch (PropertyBindingException e) {
            List<JacksonException.Reference> path = new ArrayList<>(e.getPath());
            if (!path.isEmpty() && e.getPropertyName().equals(path.getLast().getPropertyName())) {
                path.removeLast();
            }
            throw WireFormatException.invalid("Unknown key '" + e.getPropertyName() + "' at "
                    + displayPath(path(rootPath, path)), e);
        } catch (MismatchedInputException e) {
            String where = displayPath(path(rootPath, e.getPath()));
            JsonNode found = find(node, e.getPath());
            if (e.getTargetType() == Quantity.class && found != null && (found.isString() || found.isNumber())) {
                throw WireFormatException.invalid("Invalid value at " + where + ": " + describe(found)
                        + " is not a quantity (such as 500m, 2, 1.5Gi or 1e3)", e);
            }
            if (e.getTargetType() != null && found != null) {
                throw WireFormatException.invalid("Wrong type at " + where + ": expected " + expected(e.getTargetType())
                        + ", got " + describe(found), e);
            }
            throw WireFormatException.invalid("Invalid value at " + where + gotten(found), e);
        } catch (InputCoercionException e) {
            // a number that does not fit the field (Kubernetes' integers are 32 or 64 bits)
            String where = displayPath(path(rootPath, e.getPath()));
            JsonNode found = find(node, e.getPath());
            throw WireFormatException.invalid("Invalid value at " + where + ": " + (found == null ? "the number"
                    : truncated(found.toString())) + " is out of range for " + range(e.getTargetType()), e);
        } catch (JacksonException e) {
            // any other value the model refuses; its reason is in the library's words, so it is not passed on
            String where = displayPath(path(rootPath, e.getPath()));
            throw WireFormatException.invalid("Invalid value at " + where + gotten(find(node, e.getPath())), e);
        }
    }

    private static String gotten(JsonNode found) {
        return found == null ? "" : ": " + describe(found) + " is not accepted here";
    }

    private static String range(Class<?> type) {
        if (type == Long.class || type == long.class) {
            return "a 64-bit integer (" + Long.MIN_VALUE + " to " + Long.MAX_VALUE + ")";
        }
        if (type == Integer.class || type == int.class) {
            return "a 32-bit integer (" + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE + ")";
        }
        return "this field";
    }

    private static String path(String rootPath, List<JacksonException.Reference> references) {
        StringBuilder path = new StringBuilder(rootPath);
        for (JacksonException.Reference reference : references) {
            String name = reference.getPropertyName();
            if (name == null) {
                path.append('[').append(reference.getIndex()).append(']');
            } else if (!PLAIN_KEY.matcher(name).matches()) {
                path.append("[\"").append(name).append("\"]");
            } else {
                path.append(path.isEmpty() ? "" : ".").append(name);
            }
        }
        return path.toString();
    }

    private static String displayPath(String path) {
        return path.isEmpty() ? "the top level" : path;
    }

    /** The node a Jackson error path points at, or null. */
    private static JsonNode find(JsonNode root, List<JacksonException.Reference> references) {
        JsonNode node = root;
        for (JacksonException.Reference reference : references) {
            if (node == null) {
                return null;
            }
            node = reference.getPropertyName() != null ? property(node, reference.getPropertyName())
                    : node.get(reference.getIndex());
        }
        return node;
    }

    /** A property of {@code node}, which Jackson's path names in Python spelling; the client may have used camelCase. */
    private static JsonNode property(JsonNode node, String pythonName) {
        JsonNode value = node.get(pythonName);
        if (value != null || !node.isObject()) {
            return value;
        }
        for (String key : node.propertyNames()) {
            if (PythonNames.of(key).equals(pythonName)) {
                return node.get(key);
            }
        }
        return null;
    }

    private static String expected(Class<?> type) {
        if (type == Integer.class || type == Long.class || type == Short.class
                || type == int.class || type == long.class || type == short.class) {
            return "an integer";
        }
        if (type == Double.class || type == Float.class || type == double.class || type == float.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "a boolean";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Quantity.class) {
            return "a quantity (string or number)";
        }
        if (type == IntOrString.class) {
            return "an integer or a string";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type)) {
            return "an object";
        }
        return "an object (" + type.getSimpleName() + ")";
    }

    private static String describe(JsonNode node) {
        JsonNodeType type = node.getNodeType();
        return switch (type) {
            case OBJECT -> "an object";
            case ARRAY -> "a list";
            case STRING -> "a string (" + shorten(node.asString()) + ")";
            case NUMBER -> "a number (" + node + ")";
            case BOOLEAN -> "a boolean (" + node + ")";
            case NULL -> "null";
            default -> type.name().toLowerCase();
        };
    }

    private static String truncated(String text) {
        return text.length() > MAX_SHOWN_VALUE ? text.substring(0, MAX_SHOWN_VALUE) + "..." : text;
    }

    private static String shorten(String text) {
        String shown = text.length() > MAX_SHOWN_VALUE ? text.substring(0, MAX_SHOWN_VALUE) + "..." : text;
        return '"' + shown + '"';
    }
}
