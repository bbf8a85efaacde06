package org.kbatch.proxy.naming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class UsernameLabelTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            // escaped forms that are valid label values are kept: existing deployments carry them
            "testuser, testuser",
            "jane.doe, jane-2Edoe",
            "test-test, test-2Dtest",
            "jdoe@example.org, jdoe-40example-2Eorg",
            "user1, user1",
    })
    void ordinaryNamesKeepTheReferenceLabel(String username, String label) {
        assertEquals(label, UsernameLabel.of(username));
    }

    @Test
    void escapesLikeEscapism() {
        // exchange 34: what the reference sent (and the API server rejected)
        assertEquals("-4Aane-2E-44oe-40example-2Eorg", UsernameLabel.escape("Jane.Doe@example.org"));
        // every UTF-8 byte, upper-case hex
        assertEquals("-C3-BC", UsernameLabel.escape("ü"));
        assertEquals("-F0-9F-98-80", UsernameLabel.escape("😀"));
        // escapism's '%X' does not zero-pad
        assertEquals("-9", UsernameLabel.escape("\t"));
    }

    @Test
    void invalidEscapedFormFallsBackToTheNamespaceSafePart() {
        assertEquals("jane-doe-example-org--258389d", UsernameLabel.of("Jane.Doe@example.org"));
        assertEquals("test--94ee059", UsernameLabel.of("TEST"));
    }

    @Test
    void tooLongEscapedFormFallsBack() {
        String username = "a".repeat(64);
        assertEquals(UserNamespace.safePart(username), UsernameLabel.of(username));
        String dotted = "first.last.".repeat(5) + "x"; // 56 chars, escaped 66
        assertEquals(UserNamespace.safePart(dotted), UsernameLabel.of(dotted));
        assertTrue(UsernameLabel.escape("a".repeat(63)).equals(UsernameLabel.of("a".repeat(63))));
    }

    @Test
    void nothingSafeLeftGivesTheHash() {
        // the namespace's safe part is "--<hash>" here, which begins with '-': the dashes go
        assertTrue(UsernameLabel.of("ü").matches("[0-9a-f]{7}"), UsernameLabel.of("ü"));
        assertEquals("e3b0c44", UsernameLabel.of(""));
    }

    @ParameterizedTest
    @MethodSource("oddUsernames")
    void alwaysValid(String username) {
        assertTrue(UsernameLabel.isValidValue(UsernameLabel.of(username)), () -> UsernameLabel.of(username));
    }

    @Test
    void alwaysValidForGeneratedNames() {
        Random random = new Random(7);
        int[] codePoints = "abcxyzABCXYZ0189-_.@+ üß名😀\t".codePoints().toArray();
        for (int i = 0; i < 20_000; i++) {
            StringBuilder name = new StringBuilder();
            int length = random.nextInt(90);
            for (int j = 0; j < length; j++) {
                name.appendCodePoint(codePoints[random.nextInt(codePoints.length)]);
            }
            String label = UsernameLabel.of(name.toString());
            assertTrue(UsernameLabel.isValidValue(label), () -> name + " -> " + label);
        }
    }

    @Test
    void validity() {
        assertTrue(UsernameLabel.isValidValue("a"));
        assertTrue(UsernameLabel.isValidValue("a-_.b"));
        assertTrue(UsernameLabel.isValidValue("A".repeat(63)));
        assertFalse(UsernameLabel.isValidValue("A".repeat(64)));
        assertFalse(UsernameLabel.isValidValue(""));
        assertFalse(UsernameLabel.isValidValue("-a"));
        assertFalse(UsernameLabel.isValidValue("a-"));
        assertFalse(UsernameLabel.isValidValue("a b"));
    }

    static Stream<String> oddUsernames() {
        return Stream.of("ü", "üüü", "---", "@", "", " ", "Ω.Ω", "名前", "a", "A", "-a-", "x".repeat(300),
                "UPPER.lower@example.org", "😀user", "user😀", "\t", "İstanbul", "\uD800", "a".repeat(63));
    }
}
