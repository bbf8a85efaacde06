package org.kbatch.proxy.wire;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.SerializationConfig;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ser.BeanPropertyWriter;
import tools.jackson.databind.ser.ValueSerializerModifier;
import tools.jackson.databind.ser.std.StdSerializer;

/**
 * Writes fabric8 model properties the way the Python client's {@code to_dict()} does.
 * <ul>
 *   <li>An empty list or map is written as {@code null}, except the {@code items} of a list, which stay {@code []}
 *       as in Python (the CLI iterates over them). fabric8 initialises every list and map to an empty one, so
 *       "empty" means "unset" there, and Python writes unset as {@code null} (the Kubernetes API itself omits empty
 *       lists and maps, so a Python client never saw them either). This applies to free-form maps such as
 *       {@code labels} too: {@code {}} and {@code null} mean the same to Kubernetes and to the CLI.</li>
 *   <li>Timestamps get an explicit offset: fabric8 keeps {@code 2021-11-03T13:49:41Z}, Python writes
 *       {@code 2021-11-03T13:49:41+00:00} (older Pythons' {@code fromisoformat} rejects {@code Z}). fabric8 keeps
 *       timestamps as plain strings, so they are known by name ({@link #TIMESTAMPS}), and only a UTC RFC 3339 value
 *       is rewritten.</li>
 * </ul>
 */
final class DialectSerializerModifier extends ValueSerializerModifier {

    /** The Python names of the Kubernetes {@code Time}/{@code MicroTime} properties (all string-typed in fabric8). */
    static final Set<String> TIMESTAMPS = Set.of(
            "creation_timestamp", "deletion_timestamp",             // ObjectMeta
            "start_time", "completion_time",                        // JobStatus, PodStatus
            "last_schedule_time", "last_successful_time",           // CronJobStatus
            "last_probe_time", "last_transition_time",              // JobCondition, PodCondition, ...
            "last_heartbeat_time", "last_update_time",              // NodeCondition, DeploymentCondition
            "started_at", "finished_at",                            // ContainerState*
            "time",                                                 // ManagedFieldsEntry
            "first_timestamp", "last_timestamp", "time_added");     // Event, Taint

    private static final Pattern UTC_TIMESTAMP = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?[Zz]");

    @Override
    public List<BeanPropertyWriter> changeProperties(SerializationConfig config, BeanDescription.Supplier bean,
                                                     List<BeanPropertyWriter> properties) {
        if (!DialectIntrospector.isModel(bean.getBeanClass())) {
            return properties;
        }
        for (int i = 0; i < properties.size(); i++) {
            BeanPropertyWriter property = properties.get(i);
            Class<?> type = property.getType().getRawClass();
            if (type == String.class && TIMESTAMPS.contains(property.getName())) {
                property.assignSerializer(TimestampSerializer.INSTANCE);
            } else if (isListItems(bean.getBeanClass(), property)) {
                // A list's items are always a list, [] when there are none: the CLI iterates over them.
                continue;
            } else if (Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type)) {
                properties.set(i, new EmptyAsNull(property));
            }
        }
        return properties;
    }

    private static boolean isListItems(Class<?> bean, BeanPropertyWriter property) {
        return property.getName().equals("items")
                && io.fabric8.kubernetes.api.model.KubernetesResourceList.class.isAssignableFrom(bean);
    }

    /** Rewrites a UTC {@code ...Z} timestamp to {@code ...+00:00}. */
    static String withExplicitOffset(String timestamp) {
        return UTC_TIMESTAMP.matcher(timestamp).matches()
                ? timestamp.substring(0, timestamp.length() - 1) + "+00:00"
                : timestamp;
    }

    private static final class TimestampSerializer extends StdSerializer<Object> {

        static final TimestampSerializer INSTANCE = new TimestampSerializer();

        private TimestampSerializer() {
            super(Object.class);
        }

        @Override
        public void serialize(Object value, JsonGenerator generator, SerializationContext context) {
            generator.writeString(withExplicitOffset(value.toString()));
        }
    }

    /** A list or map property written as {@code null} when empty. */
    private static final class EmptyAsNull extends BeanPropertyWriter {

        EmptyAsNull(BeanPropertyWriter base) {
            super(base);
        }

        @Override
        public void serializeAsProperty(Object bean, JsonGenerator generator, SerializationContext context)
                throws Exception {
            Object value = get(bean);
            if ((value instanceof Collection<?> list && list.isEmpty()) || (value instanceof Map<?, ?> map && map.isEmpty())) {
                generator.writeName(_name);
                generator.writeNull();
                return;
            }
            super.serializeAsProperty(bean, generator, context);
        }
    }
}
