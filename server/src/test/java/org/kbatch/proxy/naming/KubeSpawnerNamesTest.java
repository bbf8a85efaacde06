package org.kbatch.proxy.naming;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * KubeSpawner's two slugs. The expected values follow escapism 1.0's {@code escape} (each byte of a character outside
 * {@code [a-z0-9]} as {@code -} and {@code %X}, then lower case) and kubespawner 7's {@code safe_slug} with its
 * SHA-256 prefixes, computed with Python's hashlib.
 */
class KubeSpawnerNamesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "alice|alice",
            "Alice|-41lice",
            "alice.smith|alice-2esmith",
            "jovyan-1|jovyan-2d1",
            "user@example.com|user-40example-2ecom",
            "a b|a-20b",
            "ü|-c3-bc",
            "Foo.Bar|-46oo-2e-42ar"})
    void escapedIsKubeSpawnersEscapeSlug(String username, String escaped) {
        assertThat(KubeSpawnerNames.escaped(username), is(escaped));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "alice|alice",
            "jovyan-1|jovyan-1",
            "Alice|alice---3bc51062",
            "alice@example.com|alice-example-com---ff8d9819",
            "ü|x---607474ca",
            "9lives|x-9lives---bc867356",
            "a--b|a-b---90827a2e",
            "-x|x---a4209624"})
    void safeIsKubeSpawnersSafeSlug(String username, String safe) {
        assertThat(KubeSpawnerNames.safe(username), is(safe));
    }

    @org.junit.jupiter.api.Test
    void aControlCharacterEscapesToOneHexDigitAsEscapismDoes() {
        assertThat(KubeSpawnerNames.escaped("x\t"), is("x-9"));
    }
}
