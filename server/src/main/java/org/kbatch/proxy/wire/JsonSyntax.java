package org.kbatch.proxy.wire;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * Checks that a request body is JSON as RFC 8259 defines it, before the parser sees it, and says in our own words what
 * is wrong and where (line and column, counted in characters from 1): a comment, single quotes, a key without quotes,
 * a trailing comma, a hexadecimal number, {@code NaN}, text after the value, a bad escape, a raw control character,
 * bytes that are not UTF-8, a body that is form data, multipart or XML. Also refused: a key that appears twice in
 * one object (which value would count?), nesting deeper than {@link #MAX_DEPTH} and numbers longer than
 * {@link #MAX_NUMBER_LENGTH} characters (no Kubernetes field holds one).
 *
 * <p>One pass over the bytes, no tree and no recursion, so a hostile body costs no more than reading it.
 */
final class JsonSyntax {

    static final int MAX_DEPTH = 200;
    static final int MAX_NUMBER_LENGTH = 100;
    private static final int MAX_SHOWN = 24;

    private final byte[] in;
    private int pos;
    /** Keys seen so far in each open object (null for an open list), innermost first. */
    private final Deque<Set<String>> keys = new ArrayDeque<>();

    private JsonSyntax(byte[] in) {
        this.in = in;
    }

    /** Whether the body holds nothing but white space (the caller answers that on its own). */
    static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (!isWhitespace(b)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Returns normally when {@code body} is one well-formed JSON value; otherwise throws a 400
     * {@link WireFormatException} (422 for a duplicate key, the nesting depth or a number's length).
     */
    static void check(byte[] body) {
        new JsonSyntax(body).document();
    }

    private void document() {
        if (startsWith(0, new byte[]{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF})) {
            pos = 3; // a UTF-8 byte order mark, which parsers skip
        }
        skipWhitespace();
        int start = pos;
        value();
        skipWhitespace();
        if (pos < in.length) {
            throw malformed(pos, "unexpected " + shown(pos) + " after the end of the JSON value that began at "
                    + where(start) + " (a body holds exactly one value)");
        }
    }

    /**
     * Reads one value. Objects and lists are tracked on an explicit stack of what is open, so that the depth of the
     * input never becomes the depth of our call stack.
     */
    private void value() {
        Deque<Character> open = new ArrayDeque<>();
        boolean expectValue = true;
        while (true) {
            skipWhitespace();
            if (expectValue) {
                if (pos >= in.length) {
                    throw open.isEmpty() ? malformed(pos, "the body ends where a value was expected")
                            : endInside(open.peek());
                }
                byte b = in[pos];
                if (b == '{' || b == '[') {
                    char closer = b == '{' ? '}' : ']';
                    push(open, (char) b, pos);
                    pos++;
                    skipWhitespace();
                    if (pos < in.length && in[pos] == closer) {
                        pos++;
                        pop(open);
                        expectValue = false;
                    } else if (pos < in.length && in[pos] == ',') {
                        throw malformed(pos, "a comma before the first " + (b == '{' ? "entry of an object"
                                : "item of a list"));
                    } else if (b == '{') {
                        member();
                    }
                    continue;
                }
                scalar();
                expectValue = false;
                continue;
            }
            if (open.isEmpty()) {
                return;
            }
            char container = open.peek();
            char closer = container == '{' ? '}' : ']';
            if (pos >= in.length) {
                throw endInside(container);
            }
            byte b = in[pos];
            if (b == ',') {
                int comma = pos;
                pos++;
                skipWhitespace();
                if (pos < in.length && (in[pos] == '}' || in[pos] == ']')) {
                    throw malformed(comma, "a comma before '" + (char) in[pos]
                            + "': JSON does not allow a comma after the last " + (container == '{' ? "entry"
                            : "item"));
                }
                if (container == '{') {
                    member();
                }
                expectValue = true;
            } else if (b == closer) {
                pos++;
                pop(open);
            } else if (b == '}' || b == ']') {
                throw malformed(pos, "'" + (char) b + "' where " + (container == '{' ? "an object" : "a list")
                        + " is open, which ends with '" + closer + "'");
            } else if (b == '/' || b == '#') {
                throw comment(pos);
            } else {
                throw malformed(pos, "unexpected " + shown(pos) + ": expected ',' or '" + closer + "' after "
                        + (container == '{' ? "an entry of an object" : "an item of a list"));
            }
        }
    }

    /** After '{' or ',' in an object: a key in double quotes and ':'; the value follows. */
    private void member() {
        skipWhitespace();
        if (pos >= in.length) {
            throw endInside('{');
        }
        byte b = in[pos];
        if (b != '"') {
            if (b == '\'') {
                throw singleQuotes(pos);
            }
            if (b == '/' || b == '#') {
                throw comment(pos);
            }
            if (isWordStart(b) || isDigit(b)) {
                throw malformed(pos, "a key without quotes (" + shown(pos)
                        + "): the keys of a JSON object are strings in double quotes");
            }
            throw malformed(pos, "unexpected " + shown(pos) + ": expected a key in double quotes");
        }
        int keyStart = pos;
        String key = string();
        if (!keys.peek().add(key)) {
            throw WireFormatException.invalid("Duplicate key \"" + printable(key) + "\" at " + where(keyStart)
                    + ": a key may appear only once in an object");
        }
        skipWhitespace();
        if (pos >= in.length) {
            throw endInside('{');
        }
        if (in[pos] != ':') {
            throw malformed(pos, "unexpected " + shown(pos) + ": expected ':' after the key \"" + printable(key)
                    + "\"");
        }
        pos++;
    }

    /** A string, number, true, false or null at {@code pos}, or what it is instead. */
    private void scalar() {
        byte b = in[pos];
        switch (b) {
            case '"' -> string();
            case '\'' -> throw singleQuotes(pos);
            case '/', '#' -> throw comment(pos);
            case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> number();
            case '+' -> throw malformed(pos, "a number with a '+' sign: JSON numbers have none");
            case '.' -> throw malformed(pos, "a number that starts with '.': JSON needs a digit before the point");
            case '}', ']' -> throw malformed(pos, "unexpected '" + (char) b + "': expected a value");
            default -> word();
        }
    }

    private void pop(Deque<Character> open) {
        open.pop();
        keys.pop();
    }

    private void push(Deque<Character> open, char container, int at) {
        if (open.size() >= MAX_DEPTH) {
            throw WireFormatException.invalid("The request body is nested too deeply at " + where(at)
                    + ": at most " + MAX_DEPTH + " levels of objects and lists");
        }
        open.push(container);
        keys.push(container == '{' ? new HashSet<>() : Set.of());
    }

    /** true, false, null, or a word that is not JSON (NaN, Infinity, True, None, a bare word). */
    private void word() {
        int start = pos;
        if (!isWordStart(in[pos])) {
            throw malformed(pos, "unexpected " + shown(pos) + ": expected a JSON value (an object, a list, a string"
                    + " in double quotes, a number, true, false or null)");
        }
        int end = pos;
        while (end < in.length && isWordPart(in[end])) {
            end++;
        }
        String w = new String(in, start, end - start, java.nio.charset.StandardCharsets.US_ASCII);
        switch (w) {
            case "true", "false", "null" -> {
                pos = end;
                return;
            }
            case "NaN", "Infinity" -> throw malformed(start, w + " is not a JSON number");
            case "True", "False", "None", "TRUE", "FALSE", "NULL", "Null" -> throw malformed(start, "'" + w
                    + "' is not JSON: JSON spells these true, false and null, in lower case");
            case "undefined" -> throw malformed(start, "'undefined' is not JSON; use null");
            default -> throw malformed(start, "unexpected word '" + shorten(w) + "': text must be a string in double"
                    + " quotes");
        }
    }

    /** A string in double quotes, starting at {@code pos}; returns its text (escapes resolved enough to compare keys). */
    private String string() {
        int start = pos;
        pos++;
        StringBuilder text = new StringBuilder();
        while (true) {
            if (pos >= in.length) {
                throw malformed(start, "a string that is never closed (no '\"' after it)");
            }
            int b = in[pos] & 0xFF;
            if (b == '"') {
                pos++;
                return text.toString();
            }
            if (b == '\\') {
                escape(text);
                continue;
            }
            if (b < 0x20) {
                throw malformed(pos, "a control character (U+" + String.format("%04X", b)
                        + ") inside a string: write it as an escape such as \\n or \\u" + String.format("%04x", b));
            }
            if (b < 0x80) {
                text.append((char) b);
                pos++;
            } else {
                text.appendCodePoint(utf8());
            }
        }
    }

    private void escape(StringBuilder text) {
        int at = pos;
        if (pos + 1 >= in.length) {
            throw malformed(at, "a string that is never closed (it ends with '\\')");
        }
        byte e = in[pos + 1];
        switch (e) {
            case '"', '\\', '/' -> text.append((char) e);
            case 'b' -> text.append('\b');
            case 'f' -> text.append('\f');
            case 'n' -> text.append('\n');
            case 'r' -> text.append('\r');
            case 't' -> text.append('\t');
            case 'u' -> {
                if (pos + 6 > in.length || !isHex(in, pos + 2, 4)) {
                    throw malformed(at, "an escape \\u that is not followed by four hexadecimal digits");
                }
                text.append((char) Integer.parseInt(new String(in, pos + 2, 4,
                        java.nio.charset.StandardCharsets.US_ASCII), 16));
                pos += 6;
                return;
            }
            default -> throw malformed(at, "an invalid escape '\\" + (e >= 0x20 && e < 0x7F ? (char) e + "'" : "'")
                    + " in a string: JSON knows \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX");
        }
        pos += 2;
    }

    /** Decodes one UTF-8 sequence of 2 to 4 bytes at {@code pos}, refusing what is not UTF-8. */
    private int utf8() {
        int at = pos;
        int b = in[pos] & 0xFF;
        int length;
        int min;
        int cp;
        if (b >= 0xC2 && b <= 0xDF) {
            length = 2;
            min = 0x80;
            cp = b & 0x1F;
        } else if (b >= 0xE0 && b <= 0xEF) {
            length = 3;
            min = 0x800;
            cp = b & 0x0F;
        } else if (b >= 0xF0 && b <= 0xF4) {
            length = 4;
            min = 0x10000;
            cp = b & 0x07;
        } else {
            throw notUtf8(at);
        }
        if (pos + length > in.length) {
            throw notUtf8(at);
        }
        for (int i = 1; i < length; i++) {
            int c = in[pos + i] & 0xFF;
            if ((c & 0xC0) != 0x80) {
                throw notUtf8(at);
            }
            cp = (cp << 6) | (c & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            throw notUtf8(at);
        }
        pos += length;
        return cp;
    }

    private void number() {
        int start = pos;
        if (in[pos] == '-') {
            pos++;
        }
        if (pos >= in.length || !isDigit(in[pos])) {
            if (pos < in.length && (in[pos] == 'I' || in[pos] == 'N')) {
                throw malformed(start, "-" + (in[pos] == 'I' ? "Infinity" : "NaN") + " is not a JSON number");
            }
            throw malformed(start, "a '-' that is not followed by a digit");
        }
        if (in[pos] == '0' && pos + 1 < in.length && (in[pos + 1] == 'x' || in[pos + 1] == 'X')) {
            throw malformed(start, "a hexadecimal number (" + shown(start)
                    + "): JSON numbers are written in decimal");
        }
        if (in[pos] == '0' && pos + 1 < in.length && isDigit(in[pos + 1])) {
            throw malformed(start, "a number with a leading zero (" + shown(start) + "): JSON does not allow them");
        }
        digits();
        if (pos < in.length && in[pos] == '.') {
            pos++;
            if (pos >= in.length || !isDigit(in[pos])) {
                throw malformed(start, "a number that ends with '.': JSON needs a digit after the point");
            }
            digits();
        }
        if (pos < in.length && (in[pos] == 'e' || in[pos] == 'E')) {
            pos++;
            if (pos < in.length && (in[pos] == '+' || in[pos] == '-')) {
                pos++;
            }
            if (pos >= in.length || !isDigit(in[pos])) {
                throw malformed(start, "a number whose exponent has no digits");
            }
            digits();
        }
        if (pos < in.length && isWordPart(in[pos])) {
            throw malformed(start, "unexpected " + shown(start) + ": not a JSON number");
        }
        if (pos - start > MAX_NUMBER_LENGTH) {
            throw WireFormatException.invalid("A number of " + (pos - start) + " characters at " + where(start)
                    + ": no value of a Kubernetes object is that long (at most " + MAX_NUMBER_LENGTH + ")");
        }
    }

    private void digits() {
        while (pos < in.length && isDigit(in[pos])) {
            pos++;
        }
    }

    private void skipWhitespace() {
        while (pos < in.length && isWhitespace(in[pos])) {
            pos++;
        }
    }

    // --- what a failure says

    private WireFormatException endInside(char container) {
        return malformed(in.length, "the body ends inside " + (container == '{' ? "an object (a '}' is missing)"
                : "a list (a ']' is missing)"));
    }

    private WireFormatException singleQuotes(int at) {
        return malformed(at, "a string in single quotes: JSON strings and keys use double quotes");
    }

    private WireFormatException comment(int at) {
        return malformed(at, "a comment: JSON has no comments");
    }

    private WireFormatException notUtf8(int at) {
        return malformed(at, "bytes that are not UTF-8 text (JSON is UTF-8)");
    }

    private WireFormatException malformed(int at, String what) {
        return WireFormatException.malformed("Malformed JSON in request body at " + where(at) + ": " + what + hint(at),
                null);
    }

    /** Why the body may not be JSON at all, when the failure is at its very first character. */
    private String hint(int at) {
        int first = 0;
        while (first < in.length && isWhitespace(in[first])) {
            first++;
        }
        if (at != first || first >= in.length) {
            return "";
        }
        if (startsWith(first, "--".getBytes())) {
            return "; the body looks like a multipart form, but the request must be one JSON object";
        }
        if (in[first] == '<') {
            return "; the body looks like XML or HTML, but the request must be one JSON object";
        }
        int end = first;
        while (end < in.length && (isWordPart(in[end]) || in[end] == '%' || in[end] == '+')) {
            end++;
        }
        if (end > first && end < in.length && in[end] == '=') {
            return "; the body looks like form data (key=value&...), but the request must be one JSON object";
        }
        return "";
    }

    /** "line L, column C" of a byte offset, the column counted in characters. */
    private String where(int at) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < at && i < in.length; i++) {
            if (in[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        int column = 1;
        for (int i = lineStart; i < at && i < in.length; i++) {
            if ((in[i] & 0xC0) != 0x80) {
                column++;
            }
        }
        return "line " + line + ", column " + column;
    }

    /** The text at {@code at}, quoted and shortened, for a message. */
    private String shown(int at) {
        if (at >= in.length) {
            return "the end of the body";
        }
        int end = at + 1;
        while (end < in.length && end - at < MAX_SHOWN && !isWhitespace(in[end]) && !isStructural(in[end])) {
            end++;
        }
        while (end < in.length && (in[end] & 0xC0) == 0x80) {
            end++; // never cut a character in half
        }
        String text = new String(in, at, end - at, java.nio.charset.StandardCharsets.UTF_8);
        return "'" + printable(text) + (end - at >= MAX_SHOWN ? "...'" : "'");
    }

    private static String shorten(String w) {
        return w.length() > MAX_SHOWN ? w.substring(0, MAX_SHOWN) + "..." : w;
    }

    private static String printable(String s) {
        String shown = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }

    private boolean startsWith(int at, byte[] prefix) {
        if (at + prefix.length > in.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (in[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    private static boolean isStructural(byte b) {
        return b == ',' || b == ':' || b == '{' || b == '}' || b == '[' || b == ']' || b == '"';
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static boolean isWordStart(byte b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b == '_' || b == '$';
    }

    private static boolean isWordPart(byte b) {
        return isWordStart(b) || isDigit(b) || b == '-' || b == '.';
    }

    private static boolean isHex(byte[] in, int from, int count) {
        for (int i = from; i < from + count; i++) {
            byte b = in[i];
            if (!(isDigit(b) || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F'))) {
                return false;
            }
        }
        return true;
    }
}
