package org.kbatch.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kbatch.client.model.ConfigMap;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.kbatch.client.Zips.unzip;

/** The code upload, packed as the kbatch CLI packs it. */
class CodeArchiveTest {

    @Test
    void aDirectorysContentsAreZippedWithRelativePaths(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("main.py"), "print('hi')\n");
        Files.createDirectories(dir.resolve("pkg/sub"));
        Files.writeString(dir.resolve("pkg/__init__.py"), "");
        Files.writeString(dir.resolve("pkg/sub/data.txt"), "ä\n");
        Files.write(dir.resolve(".hidden"), new byte[] {1, 2});

        assertThat(unzip(CodeArchive.zip(dir)), is(Map.of(
                ".hidden", "\u0001\u0002",
                "main.py", "print('hi')\n",
                "pkg/", "",
                "pkg/__init__.py", "",
                "pkg/sub/", "",
                "pkg/sub/data.txt", "ä\n")));
    }

    @Test
    void aSingleFileIsZippedUnderItsName(@TempDir Path dir) throws Exception {
        Path script = Files.writeString(dir.resolve("run.sh"), "echo hi\n");
        assertThat(unzip(CodeArchive.zip(script)), is(Map.of("run.sh", "echo hi\n")));
    }

    @Test
    void theConfigMapCarriesTheZipInBase64InTheCliDialect(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("main.py"), "x");
        ConfigMap cm = CodeArchive.configMap(dir, "hello-");

        assertThat(unzip(Base64.getDecoder().decode(cm.getBinaryData().get("code"))), is(Map.of("main.py", "x")));
        String json = ApiClient.createDefaultObjectMapper().writeValueAsString(cm);
        assertThat(json.startsWith("{\"api_version\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"generate_name\":\"hello-\"},"
                + "\"binary_data\":{\"code\":\""), is(true));
    }

    @Test
    void somethingThatIsNeitherIsRefused(@TempDir Path dir) {
        try {
            CodeArchive.zip(dir.resolve("missing"));
            throw new AssertionError("no exception");
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage().startsWith("code must be a directory or a file"), is(true));
        }
    }
}
