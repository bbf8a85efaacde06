package org.kbatch.proxy.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The layering the compiler does not enforce: the packages right under {@code org.kbatch.proxy} form no cycle, and
 * the domain packages (the renderer, the wire codec, the Kubernetes gateway) know nothing of Helidon or of our HTTP
 * edge, so a failure becomes a status code only there.
 */
class ArchitectureTest {

    private static final JavaClasses PRODUCTION = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.kbatch.proxy");

    @Test
    void packagesFormNoCycle() {
        slices().matching("org.kbatch.proxy.(*)..").should().beFreeOfCycles().check(PRODUCTION);
    }

    @Test
    void domainPackagesDoNotImportHelidonOrTheHttpEdge() {
        noClasses().that().resideInAnyPackage("org.kbatch.proxy.render..", "org.kbatch.proxy.wire..",
                        "org.kbatch.proxy.kube..")
                .should().dependOnClassesThat().resideInAnyPackage("io.helidon..", "org.kbatch.proxy.http..",
                        "java.net.http..")
                .check(PRODUCTION);
    }
}
