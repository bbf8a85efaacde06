package org.kbatch.proxy.packaging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

/**
 * What the production jar ships (the image copies exactly {@code target/kbatch-proxy.jar} and {@code target/libs/}):
 * the server and its libraries, and nothing of the demo, which has its own module and jar. Runs after
 * {@code package}, on the files it wrote.
 */
class ProductionJarIT {

    private static final Path JAR = Path.of("target/kbatch-proxy.jar");
    private static final Path LIBS = Path.of("target/libs");

    /** Libraries only the demo cluster and the tests need: fabric8's mock server and what it runs on. */
    private static final List<String> TEST_ONLY_LIBRARIES = List.of("kubernetes-server-mock", "mockwebserver", "vertx-",
            "netty-", "kbatch-proxy-demo");

    @Test
    void theJarHoldsTheServerAndNoDemo() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            List<String> entries = jar.stream().map(e -> e.getName()).toList();
            assertThat(entries, hasItem("org/kbatch/proxy/Main.class"));
            assertThat(entries.stream().filter(n -> n.startsWith("org/kbatch/proxy/demo")).toList(), empty());
            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"), startsWith("org.kbatch.proxy.Main"));
        }
    }

    @Test
    void itsLibrariesHoldNoMockServer() throws IOException {
        try (Stream<Path> libs = Files.list(LIBS)) {
            List<String> names = libs.map(p -> p.getFileName().toString()).sorted().toList();
            assertThat(names, hasItem(startsWith("kubernetes-client-")));
            assertThat(names, hasItem(startsWith("helidon-webserver-")));
            assertThat(names.stream().filter(n -> TEST_ONLY_LIBRARIES.stream().anyMatch(n::startsWith)).toList(),
                    empty());
        }
    }
}
