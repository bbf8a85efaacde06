package org.kbatch.proxy.kube;

import java.util.Optional;

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

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

/**
 * Lists are read page by page ({@code limit} + {@code continue}), so a user with thousands of jobs is never loaded
 * by the API server in one piece. The CRUD mock does not paginate, so the pages here are expectations.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesGatewayPaginationTest {

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
        KubernetesGateway gateway = new KubernetesGateway(KubernetesClients.forUrl(client.getMasterUrl().toString()),
                new ProxyMetrics());

        var list = gateway.listJobs(Scope.own("kbatch-alice"));

        assertThat(list.getItems().stream().map(j -> j.getMetadata().getName()).toList(), contains("a", "b", "c"));
        assertThat(list.getMetadata().getContinue(), is((Object) null));
        assertThat(list.getMetadata().getResourceVersion(), is("7"));
    }

    @Test
    void podsOfAJobToo() {
        server.expect().get().withPath("/api/v1/namespaces/kbatch-bob/pods?labelSelector=job-name%3Dj&limit=500")
                .andReturn(200, new PodListBuilder().withMetadata(new ListMetaBuilder().withContinue("next").build())
                        .addToItems(new PodBuilder().withNewMetadata().withName("p1").endMetadata().build()).build())
                .once();
        server.expect().get()
                .withPath("/api/v1/namespaces/kbatch-bob/pods?continue=next&labelSelector=job-name%3Dj&limit=500")
                .andReturn(200, new PodListBuilder().withMetadata(new ListMetaBuilder().build())
                        .addToItems(new PodBuilder().withNewMetadata().withName("p2").endMetadata().build()).build())
                .once();
        KubernetesGateway gateway = new KubernetesGateway(KubernetesClients.forUrl(client.getMasterUrl().toString()),
                new ProxyMetrics());

        assertThat(gateway.listPods(Scope.own("kbatch-bob"), Optional.of("j")).getItems().stream()
                .map(p -> p.getMetadata().getName()).toList(), contains("p1", "p2"));
    }

    private static io.fabric8.kubernetes.api.model.batch.v1.Job job(String name) {
        return new JobBuilder().withNewMetadata().withName(name).withNamespace("kbatch-alice").endMetadata().build();
    }
}
