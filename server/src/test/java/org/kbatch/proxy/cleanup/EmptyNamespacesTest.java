package org.kbatch.proxy.cleanup;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;
import org.kbatch.proxy.kube.KubernetesClients;
import org.kbatch.proxy.kube.Namespaces;
import org.kbatch.proxy.metrics.ProxyMetrics;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.nullValue;

/** Only namespaces the proxy created, and only once they have held no job for the configured time. */
@EnableKubernetesMockClient(crud = true, https = false)
class EmptyNamespacesTest {

    static KubernetesMockServer server;
    static KubernetesClient client;

    private static void namespace(String name, boolean managed) {
        var ns = new NamespaceBuilder().withNewMetadata().withName(name).endMetadata();
        if (managed) {
            ns.editMetadata().addToLabels("app.kubernetes.io/managed-by", "kbatch-proxy").endMetadata();
        }
        client.namespaces().resource(ns.build()).create();
    }

    @Test
    void emptyManagedNamespacesGoAfterTheirTimeAndNoOthers() {
        namespace("kbatch-idle", true);
        namespace("kbatch-busy", true);
        namespace("kbatch-theirs", false);
        client.batch().v1().jobs().inNamespace("kbatch-busy").resource(new JobBuilder().withNewMetadata()
                .withName("j").endMetadata().build()).create();
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-25T12:00:00Z"));
        Clock clock = new Clock() {
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            public Instant instant() {
                return now.get();
            }
        };
        EmptyNamespaces janitor = new EmptyNamespaces(new Namespaces(
                KubernetesClients.forUrl(client.getMasterUrl().toString()), new ProxyMetrics()), Duration.ofHours(24), clock);

        assertThat(janitor.sweep(), empty());      // first look: stamped, not deleted
        assertThat(client.namespaces().withName("kbatch-idle").get().getMetadata().getAnnotations()
                .get(EmptyNamespaces.EMPTY_SINCE), is("2026-11-25T12:00:00Z"));
        now.set(Instant.parse("2026-11-26T11:00:00Z"));
        assertThat(janitor.sweep(), empty());      // 23 hours: not yet
        now.set(Instant.parse("2026-11-26T12:00:01Z"));
        assertThat(janitor.sweep(), contains("kbatch-idle"));

        assertThat(client.namespaces().withName("kbatch-idle").get(), is((Object) null));
        assertThat(client.namespaces().withName("kbatch-busy").get(), notNullValue());
        assertThat(client.namespaces().withName("kbatch-theirs").get(), notNullValue());
        assertThat(Objects.requireNonNullElse(
                client.namespaces().withName("kbatch-theirs").get().getMetadata().getAnnotations(), Map.of()),
                not(hasKey(EmptyNamespaces.EMPTY_SINCE)));
    }

    @Test
    void aJobArrivingRemovesTheStamp() {
        namespace("kbatch-back", true);
        Clock clock = Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC);
        EmptyNamespaces janitor = new EmptyNamespaces(new Namespaces(
                KubernetesClients.forUrl(client.getMasterUrl().toString()), new ProxyMetrics()), Duration.ofMinutes(1), clock);
        janitor.sweep();
        client.batch().v1().jobs().inNamespace("kbatch-back").resource(new JobBuilder().withNewMetadata()
                .withName("j").endMetadata().build()).create();
        janitor.sweep();
        var annotations = client.namespaces().withName("kbatch-back").get().getMetadata().getAnnotations();
        // (A merge patch with null removes the key on a real API server; the mock keeps it with a null value.)
        assertThat(annotations == null ? null : annotations.get(EmptyNamespaces.EMPTY_SINCE), nullValue());
        assertThat(List.of(EmptyNamespaces.interval(Duration.ofHours(24)), EmptyNamespaces.interval(Duration.ofSeconds(5))),
                contains(Duration.ofMinutes(10), Duration.ofSeconds(10)));
    }
}
