package org.kbatch.proxy.render;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.kbatch.proxy.caller.Caller;
import org.kbatch.proxy.naming.KubeSpawnerNames;

/**
 * The per-user placeholders of the admin job template ({@code KBATCH_JOB_TEMPLATE_FILE}), the profiles
 * ({@code KBATCH_PROFILE_FILE}) and the values of {@code KBATCH_JOB_EXTRA_ENV}: in any string value,
 * <ul>
 *   <li>{@code {username}}: the JupyterHub username as the hub spells it;</li>
 *   <li>{@code {escaped_username}}: as KubeSpawner escapes it ({@code claim-{escaped_username}}, the PVC of a
 *       Zero-to-JupyterHub home from before KubeSpawner 7), see {@link KubeSpawnerNames#escaped};</li>
 *   <li>{@code {safe_username}}: KubeSpawner 7's safe slug (its PVCs since), see {@link KubeSpawnerNames#safe};</li>
 *   <li>{@code {namespace}}: the namespace the job runs in;</li>
 *   <li>{@code {group}}: the group whose namespace that is ({@code KBATCH_NAMESPACE_BY_GROUP}), else the user's first
 *       group, else empty.</li>
 * </ul>
 * A placeholder is a lower-case name in braces; anything else in braces is left as it is (the seed's
 * {@code {JUPYTER_IMAGE_SPEC}}, which Dask Gateway expands in the job from the job's environment, or a shell's
 * {@code ${HOME}}). A lower-case name that is none of the above is a mistake the operator hears of at startup
 * ({@link #unknown}). Keys are never expanded, only values.
 */
public final class Placeholders {

    /** The placeholder names, in the order the documentation lists them. */
    public static final Set<String> NAMES = Set.of("username", "escaped_username", "safe_username", "namespace", "group");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z][a-z0-9_]*)}");

    private Placeholders() {
    }

    /** What each placeholder stands for, for this caller. */
    public static Map<String, String> of(Caller caller) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("username", caller.username());
        values.put("escaped_username", KubeSpawnerNames.escaped(caller.username()));
        values.put("safe_username", KubeSpawnerNames.safe(caller.username()));
        values.put("namespace", caller.namespace());
        values.put("group", caller.group());
        return values;
    }

    /** Whether this text holds any placeholder at all (known or not). */
    public static boolean any(Object tree) {
        return !placeholdersIn(tree, new LinkedHashSet<>()).isEmpty();
    }

    /** The lower-case names in braces that are not placeholders, in the order they first appear. */
    public static List<String> unknown(Object tree) {
        List<String> unknown = new ArrayList<>();
        for (String name : placeholdersIn(tree, new LinkedHashSet<>())) {
            if (!NAMES.contains(name)) {
                unknown.add("{" + name + "}");
            }
        }
        return unknown;
    }

    /** The text with each known placeholder replaced. */
    public static String expand(String text, Map<String, String> values) {
        if (text == null || text.indexOf('{') < 0) {
            return text;
        }
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(value == null ? m.group() : value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * A copy of a parsed YAML/JSON tree (maps, lists, scalars) with every string value expanded; the tree itself is
     * not changed. A tree without placeholders is answered as it is.
     */
    public static <T> T expandTree(T tree, Map<String, String> values) {
        return any(tree) ? copyExpanded(tree, values) : tree;
    }

    @SuppressWarnings("unchecked")
    private static <T> T copyExpanded(T tree, Map<String, String> values) {
        if (tree instanceof String s) {
            return (T) expand(s, values);
        }
        if (tree instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(k, copyExpanded(v, values)));
            return (T) copy;
        }
        if (tree instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(v -> copy.add(copyExpanded(v, values)));
            return (T) copy;
        }
        return tree;
    }

    /** The map with every value expanded, the same keys in the same order. */
    public static Map<String, String> expandValues(Map<String, String> map, Map<String, String> values) {
        Map<String, String> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(k, expand(v, values)));
        return copy;
    }

    private static Set<String> placeholdersIn(Object tree, Set<String> into) {
        if (tree instanceof String s) {
            Matcher m = PLACEHOLDER.matcher(s);
            while (m.find()) {
                into.add(m.group(1));
            }
        } else if (tree instanceof Map<?, ?> map) {
            map.values().forEach(v -> placeholdersIn(v, into));
        } else if (tree instanceof List<?> list) {
            list.forEach(v -> placeholdersIn(v, into));
        }
        return into;
    }
}
