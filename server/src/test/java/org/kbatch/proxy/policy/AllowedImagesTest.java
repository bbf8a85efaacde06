package org.kbatch.proxy.policy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** Image references normalised as the container runtime reads them, and the glob patterns over them. */
class AllowedImagesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "busybox|docker.io/library/busybox:latest",
            "busybox:1.36|docker.io/library/busybox:1.36",
            "pangeo/notebook:2024.01|docker.io/pangeo/notebook:2024.01",
            "docker.io/busybox|docker.io/library/busybox:latest",
            "index.docker.io/pangeo/base|docker.io/pangeo/base:latest",
            "ghcr.io/myorg/img|ghcr.io/myorg/img:latest",
            "localhost:5000/img:1|localhost:5000/img:1",
            "localhost/img|localhost/img:latest",
            "quay.io/x/y@sha256:abc|quay.io/x/y@sha256:abc"})
    void referencesAreNormalised(String image, String normalised) {
        assertThat(AllowedImages.normalise(image), is(normalised));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ghcr.io/myorg/*|ghcr.io/myorg/img:1|true",
            "ghcr.io/myorg/*|ghcr.io/myorg/team/img:1|false",
            "ghcr.io/myorg/**|ghcr.io/myorg/team/img:1|true",
            "ghcr.io/myorg/*|ghcr.io/myorgevil/img:1|false",
            "docker.io/pangeo/*:*|pangeo/notebook:1|true",
            "docker.io/pangeo/*:*|pangeo/notebook|true",
            "pangeo/*|docker.io/pangeo/notebook:1|true",
            "busybox:1.3?|busybox:1.36|true",
            "busybox:1.36|busybox|false",
            "busybox|busybox:1.36|true",
            "busybox|busybox-evil:1|false"})
    void patternsMatchTheNormalisedReference(String pattern, String image, boolean allowed) {
        assertThat(AllowedImages.compile(pattern).matcher(AllowedImages.normalise(image)).matches(), is(allowed));
    }
}
