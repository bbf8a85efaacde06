package org.kbatch.proxy.testing;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.kbatch.proxy.kube.KubernetesPermissions;
import org.kbatch.proxy.testing.RecordedKubernetesCalls.Call;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** The request-to-RBAC mapping the recorded calls are checked with, and that it refuses what the chart does not grant. */
class RecordedKubernetesCallsTest {

    private static final List<KubernetesPermissions.Rule> DEFAULT = KubernetesPermissions.required(true, false, false);

    @Test
    void requestsMapToWhatTheAuthorizerChecks() {
        assertThat(RecordedKubernetesCalls.authorization("GET", "/apis/batch/v1/namespaces/kbatch-a/jobs?limit=500"),
                is(new Call("list", "batch", "jobs")));
        assertThat(RecordedKubernetesCalls.authorization("GET", "/apis/batch/v1/namespaces/kbatch-a/jobs/j1"),
                is(new Call("get", "batch", "jobs")));
        assertThat(RecordedKubernetesCalls.authorization("GET", "/api/v1/namespaces/kbatch-a/pods?watch=true"),
                is(new Call("watch", "", "pods")));
        assertThat(RecordedKubernetesCalls.authorization("GET", "/api/v1/namespaces/kbatch-a/pods/p1/log?follow=true"),
                is(new Call("get", "", "pods/log")));
        assertThat(RecordedKubernetesCalls.authorization("POST", "/api/v1/namespaces"),
                is(new Call("create", "", "namespaces")));
        assertThat(RecordedKubernetesCalls.authorization("PATCH", "/api/v1/namespaces/kbatch-a"),
                is(new Call("patch", "", "namespaces")));
        assertThat(RecordedKubernetesCalls.authorization("DELETE", "/api/v1/namespaces/kbatch-a/secrets?labelSelector=x"),
                is(new Call("deletecollection", "", "secrets")));
        assertThat(RecordedKubernetesCalls.authorization("DELETE", "/apis/batch/v1/namespaces/kbatch-a/cronjobs/c1"),
                is(new Call("delete", "batch", "cronjobs")));
    }

    @Test
    void whatTheDefaultChartDoesNotGrantIsRefused() {
        // The call that stopped every submission on a real cluster: fabric8 read a Secret before patching it.
        assertThat(RecordedKubernetesCalls.allowed(
                RecordedKubernetesCalls.authorization("GET", "/api/v1/namespaces/kbatch-a/secrets/s1"), DEFAULT), is(false));
        assertThat(RecordedKubernetesCalls.allowed(
                RecordedKubernetesCalls.authorization("PATCH", "/api/v1/namespaces/kbatch-a/secrets/s1"), DEFAULT), is(true));
        assertThat(RecordedKubernetesCalls.allowed(new Call("list", "", "namespaces"), DEFAULT), is(false));
        assertThat(RecordedKubernetesCalls.allowed(new Call("watch", "", "pods"), DEFAULT), is(false));
    }
}
