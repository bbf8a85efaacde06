package org.kbatch.proxy.kube;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.ListMetaBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobListBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;
import org.kbatch.proxy.metrics.ProxyMetrics;
import org.kbatch.proxy.wire.WireCodec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

/**
 * Lists are read page by page ({@code limit} + {@code continue}), so a user with thousands of jobs is never loaded
 * by the API server in one piece. The CRUD mock does not paginate, so the pages here are expectations.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class PagesTest {

    private static final WireCodec CODEC = WireCodec.create();

    static KubernetesMockServer server;
    static KubernetesClient client;

    @Test
    void jobsAreReadPageByPageAndJoined() {
        server.expect().get().withPath("/apis/batch/v1/namespaces/kbatch-alice/jobs?limit=500")
                .andReturn(200, new JobListBuilder().withMetadata(new ListMetaBuilder().withContinue("page-2")
                        .withResourceVersion("7").build()).addToItems(job("a"), job("b")).build()).once();
        server.expect().get().withPath("/apis/batch/v1/namespaces/kbatch-alice/jobs?continue=page-2&limit=500")
                .andReturn(200, new JobListBuilder().withMetadata(new ListMetaBuilder().withResourceVersion("7").build())
                        .addToItems(job("c")).build()).once();
        Pages pages = pages();

        JsonNode list = written(WireCodec.ListKind.JOBS, pages.jobs(Scope.own("kbatch-alice")));

        assertThat(names(list), contains("a", "b", "c"));
        assertThat(list.get("metadata").get("_continue").isNull(), is(true));
        assertThat(list.get("metadata").get("resource_version").asString(), is("7"));
    }

    @Test
    void podsOfAJobToo() {
        server.expect().get().withPath("/api/v1/namespaces/kbatch-bob/pods?labelSelector=job-name%3Dj&limit=500")
                .andReturn(200, new PodListBuilder().withMetadata(new ListMetaBuilder().withContinue("next").build())
                        .addToItems(new PodBuilder().withNewMetadata().withName("p1").endMetadata().build()).build())
                .times(2);
        server.expect().get()
                .withPath("/api/v1/namespaces/kbatch-bob/pods?continue=next&labelSelector=job-name%3Dj&limit=500")
                .andReturn(200, new PodListBuilder().withMetadata(new ListMetaBuilder().build())
                        .addToItems(new PodBuilder().withNewMetadata().withName("p2").endMetadata().build()).build())
                .times(2);
        Pages pages = pages();

        assertThat(names(written(WireCodec.ListKind.PODS, pages.pods(Scope.own("kbatch-bob"), Optional.of("j")))),
                contains("p1", "p2"));
        // The proxy's own use of the pods (a job's events) reads the same pages into models.
        assertThat(pages.podList(Scope.own("kbatch-bob"), Optional.of("j")).getItems().stream()
                .map(p -> p.getMetadata().getName()).toList(), contains("p1", "p2"));
    }

    private static Pages pages() {
        KubernetesClient proxyClient = KubernetesClients.forUrl(client.getMasterUrl().toString());
        return new Pages(proxyClient, new RawRequests(proxyClient), new ProxyMetrics());
    }

    /** The list as the endpoints send it: the pages written one after the other by the wire codec. */
    private static JsonNode written(WireCodec.ListKind kind, Function<String, InputStream> pages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CODEC.writeList(kind, pages.apply(null), pages, out);
        return JsonMapper.builder().build().readTree(out.toByteArray());
    }

    private static List<String> names(JsonNode list) {
        List<String> names = new ArrayList<>();
        list.get("items").forEach(item -> names.add(item.get("metadata").get("name").asString()));
        return names;
    }

    private static io.fabric8.kubernetes.api.model.batch.v1.Job job(String name) {
        return new JobBuilder().withNewMetadata().withName(name).withNamespace("kbatch-alice").endMetadata().build();
    }
}
