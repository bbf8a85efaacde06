package org.kbatch.proxy.wire;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bodies that are not JSON: each is a 400 saying in our words what is wrong and where, never in the parser's words.
 */
class JsonSyntaxTest {

    private static final WireCodec CODEC = WireCodec.create();
    /** What a library's message looks like: its names, its exception types, its way of quoting characters. */
    static final String LIBRARY_WORDS =
            "(?is).*(jackson|fabric8|helidon|exception|\\bjava\\.|\\btools\\.|`|Feature\\b|Constraints|\\(code \\d+\\)).*";

    static Stream<Arguments> notJson() {
        return Stream.of(
                Arguments.of("{\"job\": 0x10}", "line 1, column 9: a hexadecimal number ('0x10'): JSON numbers are"
                        + " written in decimal"),
                Arguments.of("{\"job\": {}} xyz", "line 1, column 13: unexpected 'xyz' after the end of the JSON value"
                        + " that began at line 1, column 1 (a body holds exactly one value)"),
                Arguments.of("{\"job\": {},}", "line 1, column 11: a comma before '}': JSON does not allow a comma after"
                        + " the last entry"),
                Arguments.of("{\"job\": [1,]}", "line 1, column 11: a comma before ']': JSON does not allow a comma"
                        + " after the last item"),
                Arguments.of("{'job': {}}", "line 1, column 2: a string in single quotes: JSON strings and keys use"
                        + " double quotes"),
                Arguments.of("{\"job\": {\"a\": 'b'}}", "line 1, column 15: a string in single quotes: JSON strings"
                        + " and keys use double quotes"),
                Arguments.of("{job: {}}", "line 1, column 2: a key without quotes ('job'): the keys of a JSON object"
                        + " are strings in double quotes"),
                Arguments.of("{\"job\": NaN}", "line 1, column 9: NaN is not a JSON number"),
                Arguments.of("{\"job\": -Infinity}", "line 1, column 9: -Infinity is not a JSON number"),
                Arguments.of("{\"job\": {} /* c */}", "line 1, column 12: a comment: JSON has no comments"),
                Arguments.of("{\"job\":\n  {} // c\n}", "line 2, column 6: a comment: JSON has no comments"),
                Arguments.of("{\"job\": 007}", "line 1, column 9: a number with a leading zero ('007'): JSON does not"
                        + " allow them"),
                Arguments.of("{\"job\": +1}", "line 1, column 9: a number with a '+' sign: JSON numbers have none"),
                Arguments.of("{\"job\": True}", "line 1, column 9: 'True' is not JSON: JSON spells these true, false and"
                        + " null, in lower case"),
                Arguments.of("{\"job\": \"a\u0001b\"}", "line 1, column 11: a control character (U+0001) inside a"
                        + " string: write it as an escape such as \\n or \\u0001"),
                Arguments.of("{\"job\": \"\\x41\"}", "line 1, column 10: an invalid escape '\\x' in a string: JSON"
                        + " knows \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX"),
                Arguments.of("{\"job\": \"abc", "line 1, column 9: a string that is never closed (no '\"' after it)"),
                Arguments.of("{\"job\": {", "line 1, column 10: the body ends inside an object (a '}' is missing)"),
                Arguments.of("{\"job\": [", "line 1, column 10: the body ends inside a list (a ']' is missing)"),
                Arguments.of("{\"job\" {}}", "line 1, column 8: unexpected '{': expected ':' after the key \"job\""),
                Arguments.of("{\"a\": 1 \"b\": 2}", "line 1, column 9: unexpected '\"b': expected ',' or '}' after an"
                        + " entry of an object"),
                Arguments.of("{\"job\": [}", "line 1, column 10: unexpected '}': expected a value"),
                Arguments.of("]", "line 1, column 1: unexpected ']': expected a value"),
                Arguments.of("job", "line 1, column 1: unexpected word 'job': text must be a string in double quotes"),
                Arguments.of("job=x&code=y", "line 1, column 1: unexpected word 'job': text must be a string in double"
                        + " quotes; the body looks like form data (key=value&...), but the request must be one JSON"
                        + " object"),
                Arguments.of("--boundary\r\nContent-Disposition: form-data; name=\"job\"\r\n\r\n{}\r\n--boundary--",
                        "line 1, column 1: a '-' that is not followed by a digit; the body looks like a multipart form,"
                                + " but the request must be one JSON object"),
                Arguments.of("<?xml version=\"1.0\"?><job/>", "line 1, column 1: unexpected '<?xml': expected a JSON"
                        + " value (an object, a list, a string in double quotes, a number, true, false or null); the"
                        + " body looks like XML or HTML, but the request must be one JSON object"),
                Arguments.of("{\"job\": \"\u00e9\u00e9\" x}", "line 1, column 14: unexpected 'x': expected ',' or '}'"
                        + " after an entry of an object"));
    }

    @ParameterizedTest
    @MethodSource("notJson")
    void whatIsNotJsonIsA400SayingWhatAndWhere(String body, String detail) {
        WireFormatException e = assertThrows(WireFormatException.class,
                () -> CODEC.readJobSubmission(body.getBytes(StandardCharsets.UTF_8)));

        assertThat(e.status(), is(400));
        assertThat(e.getMessage(), is("Malformed JSON in request body at " + detail));
        assertFalse(e.getMessage().matches(LIBRARY_WORDS), e.getMessage());
    }

    @Test
    void bytesThatAreNotUtf8AreA400() {
        byte[] body = {'{', '"', 'j', 'o', 'b', '"', ':', '"', (byte) 0xC3, '(', '"', '}'};

        WireFormatException e = assertThrows(WireFormatException.class, () -> CODEC.readJobSubmission(body));

        assertThat(e.status(), is(400));
        assertThat(e.getMessage(), is("Malformed JSON in request body at line 1, column 9: bytes that are not UTF-8"
                + " text (JSON is UTF-8)"));
    }

    @Test
    void aKeyTwiceInOneObjectIsA422() {
        WireFormatException e = assertThrows(WireFormatException.class, () -> CODEC.readJobSubmission(
                "{\"job\": {\"metadata\": {\"labels\": {\"a\": \"1\", \"a\": \"2\"}}}}".getBytes()));

        assertThat(e.status(), is(422));
        assertThat(e.getMessage(), is("Duplicate key \"a\" at line 1, column 44: a key may appear only once in an"
                + " object"));
    }

    @Test
    void deepNestingAndLongNumbersAreA422WithoutTheParsersLimits() {
        WireFormatException deep = assertThrows(WireFormatException.class,
                () -> CODEC.readJobSubmission(("{\"job\": " + "[".repeat(5000) + "]".repeat(5000) + "}").getBytes()));
        WireFormatException longNumber = assertThrows(WireFormatException.class,
                () -> CODEC.readJobSubmission(("{\"job\": {\"spec\": {\"backoff_limit\": " + "9".repeat(2000)
                        + "}}}").getBytes()));

        assertThat(deep.status(), is(422));
        assertThat(deep.getMessage(), is("The request body is nested too deeply at line 1, column 208: at most 200"
                + " levels of objects and lists"));
        assertThat(longNumber.status(), is(422));
        assertThat(longNumber.getMessage(), is("A number of 2000 characters at line 1, column 36: no value of a"
                + " Kubernetes object is that long (at most 100)"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", " {\"job\": {\"a\": [1, -2.5e+3, true, false, null, \"\\u00e9\\n\"]}} ",
            "\uFEFF{\"job\": {}}", "{\"\": {\"a\": {}, \"b\": []}}"})
    void wellFormedJsonPasses(String body) {
        JsonSyntax.check(body.getBytes(StandardCharsets.UTF_8));
    }
}
