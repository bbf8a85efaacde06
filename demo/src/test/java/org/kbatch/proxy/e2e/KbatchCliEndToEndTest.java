package org.kbatch.proxy.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.kbatch.proxy.testing.DemoServerProcess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * Every kbatch CLI that users have, unmodified ({@code ../shared/tools/kbatch}, {@code KBATCH_CLI_VERSION}): the
 * released 0.2.14, 0.3.2 and 0.4.2, and 0.5.0a1, against one server started as the README says (the demo:
 * embedded Kubernetes API, demo token). Each version runs every command it has, one after another like a user
 * ({@link CliSession}); what they did is the README's compatibility table, which the last test compares.
 */
class KbatchCliEndToEndTest {

    private static final Path README = Path.of("../README.md");

    @TempDir
    static Path home;
    private static DemoServerProcess server;
    private static final CompatibilityTable OBSERVED = new CompatibilityTable();

    @BeforeAll
    static void startDemoServer() throws Exception {
        // The server tests' profiles (a resource of their test jar), as a file for KBATCH_PROFILE_FILE.
        Path profiles = home.resolve("profiles.yaml");
        try (var in = KbatchCliEndToEndTest.class.getResourceAsStream("/proxy/profiles.yaml")) {
            Files.copy(java.util.Objects.requireNonNull(in, "proxy/profiles.yaml on the test class path"), profiles);
        }
        server = DemoServerProcess.start(home.resolve("server.log"),
                Map.of("KBATCH_PROFILE_FILE", profiles.toString()));
        Path code = Files.createDirectories(home.resolve("code"));
        Files.writeString(code.resolve("main.py"), "print('hello from kbatch')\n");
        for (CliVersion version : CliVersion.values()) {
            Files.createDirectories(home.resolve(version.version));
        }
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @TestFactory
    Stream<DynamicNode> everyCliUsersHave() {
        Stream<DynamicNode> sessions = Arrays.stream(CliVersion.values()).map(version -> {
            CliSession session = new CliSession(version, home.resolve(version.version), server.base() + "/",
                    home.resolve("code"), OBSERVED);
            return dynamicContainer("kbatch " + version.version, session.steps());
        });
        return Stream.concat(sessions, Stream.of(dynamicTest("the README's compatibility table is what they did",
                KbatchCliEndToEndTest::readmeTableIsWhatTheClisDid)));
    }

    private static void readmeTableIsWhatTheClisDid() throws Exception {
        String observed = OBSERVED.markdown();
        Path written = Path.of("target/cli-compatibility.md");
        Files.writeString(written, observed);
        assertEquals(observed, CompatibilityTable.section(Files.readString(README)),
                "README.md's table (between " + CompatibilityTable.BEGIN + " and " + CompatibilityTable.END
                        + ") is not what the CLIs did; what they did is in demo/" + written);
    }
}
