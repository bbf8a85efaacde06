import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A list as an API server answered it (whole), split into its items' bytes so that it can be answered in pages:
 * {@code {"apiVersion", "kind", "metadata": {"resourceVersion", "continue", "remainingItemCount"}, "items"}}.
 */
record PagedList(byte[] whole, String apiVersion, String kind, String resourceVersion, List<byte[]> items,
                 Map<String, byte[]> pages) {

    static PagedList of(byte[] whole) {
        String text = new String(whole, StandardCharsets.ISO_8859_1); // one char per byte: offsets are byte offsets
        Object json = Json.parse(new String(whole, StandardCharsets.UTF_8));
        List<byte[]> items = new ArrayList<>();
        int at = itemsArray(text);
        int depth = 0;
        int start = -1;
        boolean inString = false;
        for (int i = at + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') i++;
                else if (c == '"') inString = false;
                continue;
            }
            if (c == '"') {
                inString = true;
                if (start < 0) start = i;
            } else if (c == '{' || c == '[') {
                if (depth++ == 0 && start < 0) start = i;
            } else if (c == '}' || c == ']') {
                if (depth-- == 0) {
                    if (start >= 0) items.add(Arrays.copyOfRange(whole, start, i));
                    break;
                }
            } else if (c == ',' && depth == 0) {
                items.add(Arrays.copyOfRange(whole, start, i));
                start = -1;
            } else if (!Character.isWhitespace(c) && start < 0) {
                start = i;
            }
        }
        int declared = ((List<?>) Json.at(json, "items")).size();
        if (items.size() != declared) {
            throw new IllegalStateException("split a list of " + declared + " items into " + items.size());
        }
        Object rv = Json.at(json, "metadata", "resourceVersion");
        return new PagedList(whole, String.valueOf(Json.at(json, "apiVersion")), String.valueOf(Json.at(json, "kind")),
                rv == null ? "1" : rv.toString(), List.copyOf(items), new ConcurrentHashMap<>());
    }

    /** The index of the {@code [} of the top-level {@code "items"}. */
    private static int itemsArray(String text) {
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') i++;
                else if (c == '"') inString = false;
            } else if (c == '"') {
                if (depth == 1 && text.startsWith("\"items\"", i)) {
                    int colon = text.indexOf(':', i + 7);
                    int bracket = text.indexOf('[', colon);
                    if (colon >= 0 && bracket >= 0 && text.substring(i + 7, bracket).replace(":", "").isBlank()) {
                        return bracket;
                    }
                }
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
            }
        }
        throw new IllegalStateException("no top-level items in the list");
    }

    /** The answer to {@code ?limit=L&continue=C}: items C .. C+L-1; limit 0 (none): all of them from C. */
    byte[] page(int limit, int from) {
        if (limit < 0 || from < 0 || from > items.size()) {
            throw new IllegalArgumentException("limit " + limit + ", continue " + from);
        }
        if (limit == 0 && from == 0) {
            return whole;
        }
        return pages.computeIfAbsent(limit + "/" + from, k -> {
            int to = limit == 0 ? items.size() : Math.min(items.size(), from + limit);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            String meta = "{\"resourceVersion\":\"" + resourceVersion + "\""
                    + (to < items.size() ? ",\"continue\":\"" + to + "\",\"remainingItemCount\":" + (items.size() - to) : "")
                    + "}";
            out.writeBytes(Http.bytes("{\"apiVersion\":\"" + apiVersion + "\",\"kind\":\"" + kind
                    + "\",\"metadata\":" + meta + ",\"items\":["));
            for (int i = from; i < to; i++) {
                if (i > from) out.write(',');
                out.writeBytes(items.get(i));
            }
            out.writeBytes(Http.bytes("]}"));
            return out.toByteArray();
        });
    }
}
