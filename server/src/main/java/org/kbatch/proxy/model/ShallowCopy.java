package org.kbatch.proxy.model;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Edits of fabric8 models that copy only what they change. {@link #with} answers a new object of the model's class
 * whose fields are the original's (the same nested objects, lists and maps, not copies of them) with the edit applied
 * to the new object alone; the original is left as it was. An edit along a path (a job's pod spec's first container)
 * copies the few objects on that path and shares the rest of the tree, where a fabric8 builder
 * ({@code new JobTemplateSpecBuilder(job)}) copies the whole tree, every container, env var and volume, each time.
 *
 * <p>This is safe because the models are treated as values: the edit may only set fields of the new object (to new
 * values, or to lists built anew), never change a nested object or list it shares with the original. Each class's
 * fields are found once, by reflection (all of them, so a field fabric8 adds is never lost), including the
 * {@code additionalProperties} that fabric8 keeps for keys it does not know, which get a map of their own (fabric8
 * adds to that map in place).
 */
public final class ShallowCopy {

    private static final ClassValue<Copier> COPIERS = new ClassValue<>() {
        @Override
        protected Copier computeValue(Class<?> type) {
            return new Copier(type);
        }
    };

    private ShallowCopy() {
    }

    /** A new object with the original's fields, then {@code edit} applied to it. */
    public static <T> T with(T original, Consumer<? super T> edit) {
        T copy = of(original);
        edit.accept(copy);
        return copy;
    }

    /** A new object with the original's fields (its nested objects shared). */
    @SuppressWarnings("unchecked")
    public static <T> T of(T original) {
        return (T) COPIERS.get(original.getClass()).copy(original);
    }

    /** The list with {@code element} at {@code index} instead of what was there; a new list. */
    public static <E> List<E> replaced(List<E> list, int index, E element) {
        List<E> out = new ArrayList<>(list);
        out.set(index, element);
        return out;
    }

    /** The list ({@code null}: none) with {@code more} after its elements; a new list. */
    @SafeVarargs
    public static <E> List<E> appended(List<E> list, E... more) {
        List<E> out = new ArrayList<>(list == null ? List.of() : list);
        out.addAll(List.of(more));
        return out;
    }

    /** The list ({@code null}: none) with {@code first} before its elements; a new list. */
    public static <E> List<E> prepended(E first, List<E> list) {
        List<E> out = new ArrayList<>((list == null ? 0 : list.size()) + 1);
        out.add(first);
        if (list != null) {
            out.addAll(list);
        }
        return out;
    }

    /** The map ({@code null}: none) with {@code key} set to {@code value}, in insertion order; a new map. */
    public static <K, V> Map<K, V> put(Map<K, V> map, K key, V value) {
        Map<K, V> out = new LinkedHashMap<>(map == null ? Map.of() : map);
        out.put(key, value);
        return out;
    }

    /** How to copy one model class: its no-argument constructor and every instance field of it and its superclasses. */
    private static final class Copier {

        private final MethodHandle constructor;
        private final VarHandle[] fields;
        private final boolean[] ownMap;

        Copier(Class<?> type) {
            try {
                MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(type, MethodHandles.lookup());
                constructor = lookup.findConstructor(type, MethodType.methodType(void.class))
                        .asType(MethodType.methodType(Object.class));
                List<VarHandle> handles = new ArrayList<>();
                List<Boolean> maps = new ArrayList<>();
                for (Class<?> c = type; c != Object.class; c = c.getSuperclass()) {
                    MethodHandles.Lookup own = MethodHandles.privateLookupIn(c, MethodHandles.lookup());
                    for (Field field : c.getDeclaredFields()) {
                        if (Modifier.isStatic(field.getModifiers())) {
                            continue;
                        }
                        handles.add(own.unreflectVarHandle(field));
                        maps.add(field.getName().equals("additionalProperties") && field.getType() == Map.class);
                    }
                }
                fields = handles.toArray(VarHandle[]::new);
                ownMap = new boolean[maps.size()];
                for (int i = 0; i < ownMap.length; i++) {
                    ownMap[i] = maps.get(i);
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException("cannot copy a " + type.getName() + ": " + e, e);
            }
        }

        Object copy(Object original) {
            Object copy;
            try {
                copy = constructor.invokeExact();
            } catch (Throwable e) {
                throw new IllegalStateException("cannot copy a " + original.getClass().getName() + ": " + e, e);
            }
            for (int i = 0; i < fields.length; i++) {
                Object value = fields[i].get(original);
                if (ownMap[i] && value != null) {
                    value = new LinkedHashMap<>((Map<?, ?>) value);
                }
                fields[i].set(copy, value);
            }
            return copy;
        }
    }
}
