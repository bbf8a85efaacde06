package org.kbatch.proxy.kube;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class ApiPathTest {

    @Test
    void segmentsAndQueryInTheOrderGivenEncodedAsTheApiServerReadsThem() {
        ApiPath pods = ApiPath.of("api", "v1", "namespaces", "kbatch-bob", "pods");

        assertThat(pods.toString(), is("/api/v1/namespaces/kbatch-bob/pods"));
        assertThat(pods.query("continue", null).query("labelSelector", "kbatch.jupyter.org/username=bob,job-name=j")
                        .query("limit", 500L).toString(),
                is("/api/v1/namespaces/kbatch-bob/pods?labelSelector=kbatch.jupyter.org%2Fusername%3Dbob%2Cjob-name%3Dj"
                        + "&limit=500"));
        // A query adds to a copy: the path it came from is unchanged.
        assertThat(pods.query("follow", "true").toString(), is("/api/v1/namespaces/kbatch-bob/pods?follow=true"));
        assertThat(pods.toString(), is("/api/v1/namespaces/kbatch-bob/pods"));
    }

    @Test
    void aSegmentCannotAddSegmentsOrStartTheQuery() {
        assertThat(ApiPath.of("api", "v1", "namespaces", "a/b?c=d e", "pods").toString(),
                is("/api/v1/namespaces/a%2Fb%3Fc%3Dd%20e/pods"));
        assertThat(ApiPath.of("x").query("continue", "a b&c").toString(), is("/x?continue=a+b%26c"));
    }
}
