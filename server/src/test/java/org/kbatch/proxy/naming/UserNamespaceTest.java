package org.kbatch.proxy.naming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.Stream;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class UserNamespaceTest {

    private static final Pattern DNS_1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            // the examples the wire format requires
            "test, kbatch-test",
            "TEST, kbatch-test--94ee059",
            "test123test, kbatch-test123test",
            "test-test, kbatch-test-test",
            "test--test, kbatch-test-test--a5fc82f",
            "taugspurger@microsoft.com, kbatch-taugspurger-microsoft-com--69c4de7",
            // the odd user of exchange 34, whose namespace the reference created
            "Jane.Doe@example.org, kbatch-jane-doe-example-org--258389d",
    })
    void requiredExamples(String username, String namespace) {
        assertEquals(namespace, UserNamespace.of(username));
    }

    @Test
    void keepsFortySafeCharactersAndStripsTheCutEnd() {
        String username = "a".repeat(39) + ".b" + "c".repeat(30);
        String namespace = UserNamespace.of(username);
        // 39 a's then the '-' at position 40 is cut, then stripped
        assertTrue(namespace.startsWith("kbatch-" + "a".repeat(39) + "--"), namespace);
        assertEquals("kbatch-".length() + 39 + 2 + 7, namespace.length());
    }

    @Test
    void nothingSafeLeftStillGivesAValidLabel() {
        // the reference's own rule: empty safe part, hash appended after "--"
        String namespace = UserNamespace.of("ü");
        assertTrue(namespace.matches("kbatch---[0-9a-f]{7}"), namespace);
        assertValid(namespace);
    }

    @Test
    void emptyUsernameGetsTheHashToo() {
        // the reference would give "kbatch-", which is not a valid name
        assertEquals("kbatch---e3b0c44", UserNamespace.of(""));
    }

    @ParameterizedTest
    @MethodSource("oddUsernames")
    void alwaysAValidDnsLabel(String username) {
        assertValid(UserNamespace.of(username));
    }

    @Test
    void alwaysAValidDnsLabelForGeneratedNames() {
        Random random = new Random(42);
        String alphabet = "abcxyzABCXYZ0189-_.@+ üß名😀\t";
        int[] codePoints = alphabet.codePoints().toArray();
        for (int i = 0; i < 20_000; i++) {
            StringBuilder name = new StringBuilder();
            int length = random.nextInt(80);
            for (int j = 0; j < length; j++) {
                name.appendCodePoint(codePoints[random.nextInt(codePoints.length)]);
            }
            assertValid(UserNamespace.of(name.toString()));
        }
    }

    @Test
    void safePartIsTheNamespaceWithoutPrefix() {
        assertEquals("jane-doe-example-org--258389d", UserNamespace.safePart("Jane.Doe@example.org"));
        assertEquals("test", UserNamespace.safePart("test"));
    }

    private static void assertValid(String namespace) {
        assertTrue(namespace.length() <= 63, () -> namespace + " is longer than 63");
        assertTrue(DNS_1123_LABEL.matcher(namespace).matches(), () -> namespace + " is not a DNS-1123 label");
    }

    static Stream<String> oddUsernames() {
        return Stream.of("ü", "üüü", "---", "@", "", " ", "Ω.Ω", "名前", "a", "A", "-a-", "x".repeat(300),
                "UPPER.lower@example.org", "😀user", "user😀", "\t", "İstanbul", "\uD800");
    }
}
