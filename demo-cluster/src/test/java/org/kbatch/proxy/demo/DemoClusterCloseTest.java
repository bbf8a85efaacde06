package org.kbatch.proxy.demo;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link DemoCluster#close()} leaves nothing behind: no listening port, no thread. (No other cluster runs here.) */
class DemoClusterCloseTest {

    @Test
    void closeStopsEverything() throws Exception {
        // The JVM starts some threads once (the virtual thread scheduler, ...): let it, before counting.
        try (DemoCluster warmUp = DemoCluster.start(Duration.ofMillis(500), 1)) {
            warmUp.client().namespaces().list();
        }
        Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());

        DemoCluster cluster = DemoCluster.start(Duration.ofSeconds(2), 4);
        URI url = URI.create(cluster.masterUrl());
        assertThat(url.getScheme(), is("http"));
        assertThat(url.getHost(), is("127.0.0.1"));
        assertThat(url.getPath(), is("/"));
        cluster.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("busy").endMetadata()
                .build()).create();
        // Something running at close time: a job's pod, whose log is being followed.
        cluster.client().batch().v1().jobs().inNamespace("busy").resource(new JobBuilder()
                .withNewMetadata().withName("busy").endMetadata()
                .withNewSpec().withNewTemplate().withNewSpec().withRestartPolicy("Never")
                .addNewContainer().withName("job").withImage("busybox").withCommand("sleep", "9").endContainer()
                .endSpec().endTemplate().endSpec().build()).create();
        String pod = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (pod == null && System.nanoTime() < deadline) {
            List<String> names = cluster.client().pods().inNamespace("busy").list().getItems().stream()
                    .map(p -> p.getMetadata().getName()).toList();
            pod = names.isEmpty() ? null : names.getFirst();
            Thread.sleep(50);
        }
        cluster.client().pods().inNamespace("busy").withName(pod).watchLog();

        long closing = System.nanoTime();
        cluster.close();
        cluster.close();
        assertThat("close() is quick", Duration.ofNanos(System.nanoTime() - closing).compareTo(Duration.ofSeconds(2)) < 0,
                is(true));

        assertThat(cluster.isTerminated(), is(true));
        assertThat(cluster.activeLogFollowers(), is(0));
        try (Socket socket = new Socket()) {
            assertThrows(ConnectException.class,
                    () -> socket.connect(new InetSocketAddress("127.0.0.1", url.getPort()), 1000));
        }
        assertThrows(RuntimeException.class, () -> cluster.client().namespaces().list());
        assertThat(threadsLeft(before), empty());
    }

    /**
     * Threads started since {@code before} that are still alive, except the JVM's own singletons for virtual
     * threads (their carriers and the I/O pollers, started on first use and kept).
     */
    private static List<String> threadsLeft(Set<Thread> before) throws InterruptedException {
        List<String> left = List.of();
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        do {
            left = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> !before.contains(t) && t.isAlive())
                    .map(Thread::getName)
                    .filter(name -> !name.startsWith("ForkJoinPool-") && !name.endsWith("Poller"))
                    .toList();
            if (!left.isEmpty()) {
                Thread.sleep(50);
            }
        } while (!left.isEmpty() && System.nanoTime() < deadline);
        return left;
    }
}
