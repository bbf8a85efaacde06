package org.kbatch.proxy.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.regex.Pattern;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.PropertyName;
import tools.jackson.databind.PropertyNamingStrategy;
import tools.jackson.databind.cfg.MapperConfig;
import tools.jackson.databind.introspect.Annotated;
import tools.jackson.databind.introspect.AnnotatedClass;
import tools.jackson.databind.introspect.AnnotatedField;
import tools.jackson.databind.introspect.AnnotatedMember;
import tools.jackson.databind.introspect.AnnotatedMethod;
import tools.jackson.databind.introspect.AnnotatedParameter;
import tools.jackson.databind.introspect.JacksonAnnotationIntrospector;

/**
 * Reads fabric8's own Jackson annotations, changed where the Python client's {@code to_dict()} dialect differs, and
 * only on fabric8's Kubernetes model classes (other objects keep their usual Jackson shape):
 * <ul>
 *   <li>every property is written, {@code null} included (fabric8 says {@code NON_NULL}/{@code NON_EMPTY});</li>
 *   <li>the camelCase Kubernetes name is an alias, so camelCase input reads as well as snake_case;</li>
 *   <li>no any-setter: a key the model does not know is an error instead of vanishing into
 *       {@code additionalProperties}; and no any-getter: like Python's models, we write only known properties;</li>
 *   <li>no fixed property order, so properties come out sorted by name as Python writes them;</li>
 *   <li>a {@link Quantity} must be a string or a number in Kubernetes' quantity syntax, an {@link IntOrString} a
 *       32-bit integer or a string.</li>
 * </ul>
 */
final class DialectIntrospector extends JacksonAnnotationIntrospector {

    private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model.";
    private static final JsonInclude.Value ALWAYS =
            JsonInclude.Value.construct(JsonInclude.Include.ALWAYS, JsonInclude.Include.ALWAYS);

    /** True for fabric8's Kubernetes model classes, the ones written in the Python client's dialect. */
    static boolean isModel(Class<?> type) {
        return type != null && type.getName().startsWith(MODEL_PACKAGE);
    }

    private static boolean isModel(Annotated annotated) {
        if (annotated instanceof AnnotatedMember member) {
            return isModel(member.getDeclaringClass());
        }
        return annotated instanceof AnnotatedClass type && isModel(type.getRawType());
    }

    @Override
    public JsonInclude.Value findPropertyInclusion(MapperConfig<?> config, Annotated annotated) {
        return isModel(annotated) ? ALWAYS : super.findPropertyInclusion(config, annotated);
    }

    @Override
    public List<PropertyName> findPropertyAliases(MapperConfig<?> config, Annotated annotated) {
        if (!isModel(annotated)) {
            return super.findPropertyAliases(config, annotated);
        }
        String kubernetesName = kubernetesName(annotated);
        return kubernetesName == null ? null : List.of(PropertyName.construct(kubernetesName));
    }

    @Override
    public Boolean hasAnySetter(MapperConfig<?> config, Annotated annotated) {
        return isModel(annotated) ? null : super.hasAnySetter(config, annotated);
    }

    @Override
    public Boolean hasAnyGetter(MapperConfig<?> config, Annotated annotated) {
        return isModel(annotated) ? null : super.hasAnyGetter(config, annotated);
    }

    @Override
    public String[] findSerializationPropertyOrder(MapperConfig<?> config, AnnotatedClass annotatedClass) {
        return isModel(annotatedClass.getRawType()) ? null : super.findSerializationPropertyOrder(config, annotatedClass);
    }

    @Override
    public Object findDeserializer(MapperConfig<?> config, Annotated annotated) {
        if (annotated instanceof AnnotatedClass type && type.getRawType() == Quantity.class) {
            return StrictQuantityDeserializer.class;
        }
        if (annotated instanceof AnnotatedClass type && type.getRawType() == IntOrString.class) {
            return StrictIntOrStringDeserializer.class;
        }
        return super.findDeserializer(config, annotated);
    }

    /**
     * A quantity is a string or a number in Kubernetes' quantity syntax ({@code 500m}, {@code 2}, {@code 1.5Gi},
     * {@code 1e3}), as the API server reads it; fabric8's own deserializer would also take {@code true}, an object
     * or {@code "lots"} and fail later, or not at all. Valid input goes to fabric8's deserializer.
     */
    static final class StrictQuantityDeserializer extends ValueDeserializer<Quantity> {

        /** Kubernetes' {@code ParseQuantity}: a signed decimal, then a binary or decimal SI suffix or an exponent. */
        static final Pattern SYNTAX = Pattern.compile(
                "[+-]?(\\d+\\.?\\d*|\\.\\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\\d+)?");

        private final Quantity.Deserializer fabric8 = new Quantity.Deserializer();

        @Override
        public Quantity deserialize(JsonParser parser, DeserializationContext context) {
            JsonToken token = parser.currentToken();
            if (token == JsonToken.VALUE_STRING || token == JsonToken.VALUE_NUMBER_INT
                    || token == JsonToken.VALUE_NUMBER_FLOAT) {
                String text = parser.getString();
                if (!SYNTAX.matcher(text.strip()).matches()) {
                    return (Quantity) context.handleWeirdStringValue(Quantity.class, text, "not a quantity");
                }
                return fabric8.deserialize(parser, context);
            }
            return (Quantity) context.handleUnexpectedToken(Quantity.class, parser);
        }
    }

    /**
     * An int-or-string field (a port, {@code maxUnavailable}, ...) holds a 32-bit integer or a string, as Kubernetes
     * reads it; not {@code 1.5}, {@code true} or an object.
     */
    static final class StrictIntOrStringDeserializer extends ValueDeserializer<IntOrString> {

        @Override
        public IntOrString deserialize(JsonParser parser, DeserializationContext context) {
            JsonToken token = parser.currentToken();
            if (token == JsonToken.VALUE_STRING) {
                return new IntOrString(parser.getString());
            }
            if (token == JsonToken.VALUE_NUMBER_INT) {
                return new IntOrString(parser.getIntValue());
            }
            return (IntOrString) context.handleUnexpectedToken(IntOrString.class, parser);
        }
    }

    /** fabric8's JSON name of a property member: its {@code @JsonProperty} value, else the bean name. */
    static String kubernetesName(Annotated annotated) {
        JsonProperty property = annotated.getAnnotation(JsonProperty.class);
        if (property != null && !property.value().isEmpty()) {
            return property.value();
        }
        if (annotated instanceof AnnotatedField field) {
            return field.getName();
        }
        if (annotated instanceof AnnotatedMethod method && method.getName().startsWith("set")
                && method.getName().length() > 3) {
            String bare = method.getName().substring(3);
            return Character.toLowerCase(bare.charAt(0)) + bare.substring(1);
        }
        return null;
    }

    /** Renames fabric8 model properties to the Python client's attribute names; other classes keep theirs. */
    static final class PythonNaming extends PropertyNamingStrategy {

        @Override
        public String nameForField(MapperConfig<?> config, AnnotatedField field, String defaultName) {
            return rename(field, defaultName);
        }

        @Override
        public String nameForGetterMethod(MapperConfig<?> config, AnnotatedMethod method, String defaultName) {
            return rename(method, defaultName);
        }

        @Override
        public String nameForSetterMethod(MapperConfig<?> config, AnnotatedMethod method, String defaultName) {
            return rename(method, defaultName);
        }

        @Override
        public String nameForConstructorParameter(MapperConfig<?> config, AnnotatedParameter parameter,
                                                  String defaultName) {
            return rename(parameter, defaultName);
        }

        private static String rename(AnnotatedMember member, String name) {
            return isModel(member.getDeclaringClass()) ? PythonNames.of(name) : name;
        }
    }
}
