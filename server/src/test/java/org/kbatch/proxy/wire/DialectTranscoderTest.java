package org.kbatch.proxy.wire;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListMeta;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobList;
import io.fabric8.kubernetes.api.model.batch.v1.JobList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lists go from the API server's JSON straight into the CLI's dialect ({@link WireCodec#writeList}). What the CLI
 * receives must be exactly what the codec writes for the same list parsed into fabric8's models (the path every
 * other answer takes, and the one the dialect tests pin down): byte for byte, on lists shaped like a real cluster's
 * (managed fields, fields this fabric8 does not know, empty lists and maps, UTC and offset timestamps, quantities,
 * int-or-string ports), whole or split into pages.
 */
class DialectTranscoderTest {

    private static final WireCodec CODEC = WireCodec.create();
    private static final KubernetesSerialization FABRIC8 = new KubernetesSerialization();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    enum Fixture {
        JOBS(WireCodec.ListKind.JOBS, "job-list.json", JobList.class),
        CRONJOBS(WireCodec.ListKind.CRONJOBS, "cronjob-list.json", CronJobList.class),
        PODS(WireCodec.ListKind.PODS, "pod-list.json", PodList.class);

        final WireCodec.ListKind kind;
        final String file;
        final Class<? extends KubernetesResourceList<? extends HasMetadata>> type;

        Fixture(WireCodec.ListKind kind, String file, Class<? extends KubernetesResourceList<? extends HasMetadata>> type) {
            this.kind = kind;
            this.file = file;
            this.type = type;
        }
    }

    @ParameterizedTest
    @EnumSource(Fixture.class)
    void aListIsWrittenExactlyAsTheCodecWritesItsModels(Fixture fixture) {
        byte[] api = resource(fixture.file);

        String transcoded = transcode(fixture.kind, List.of(api));

        assertEquals(viaModels(fixture, List.of(api)), transcoded);
        // The keys the CLI indexes directly are there, snake_case, and timestamps carry an offset.
        JsonNode first = JSON.readTree(transcoded).get("items").get(0);
        assertTrue(first.get("metadata").has("creation_timestamp"));
        assertTrue(first.get("metadata").get("creation_timestamp").asString().endsWith("+00:00"));
        assertTrue(first.get("status").has(fixture == Fixture.PODS ? "phase" : "active"));
    }

    @ParameterizedTest
    @EnumSource(Fixture.class)
    void pagesAreJoinedIntoOneListWithTheLastPagesVersion(Fixture fixture) {
        List<byte[]> pages = split(resource(fixture.file));

        String transcoded = transcode(fixture.kind, pages);

        assertEquals(viaModels(fixture, pages), transcoded);
        JsonNode list = JSON.readTree(transcoded);
        assertEquals(JSON.readTree(resource(fixture.file)).get("items").size(), list.get("items").size());
        assertEquals("last-page-version", list.get("metadata").get("resource_version").asString());
        assertTrue(list.get("metadata").get("_continue").isNull());
    }

    @Test
    void anEmptyListHasEmptyItemsNotNull() {
        byte[] empty = "{\"kind\":\"JobList\",\"apiVersion\":\"batch/v1\",\"metadata\":{\"resourceVersion\":\"5\"},\"items\":[]}"
                .getBytes(StandardCharsets.UTF_8);

        String transcoded = transcode(WireCodec.ListKind.JOBS, List.of(empty));

        assertEquals("{\"api_version\":\"batch/v1\",\"items\":[],\"kind\":\"JobList\",\"metadata\":{\"_continue\":null,"
                + "\"remaining_item_count\":null,\"resource_version\":\"5\",\"self_link\":null,\"shard_info\":null}}", transcoded);
        assertEquals(viaModels(Fixture.JOBS, List.of(empty)), transcoded);
    }

    @Test
    void aPageThatCannotBeFetchedFailsTheWrite() {
        List<byte[]> pages = split(resource("job-list.json"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        RuntimeException failure = assertThrows(RuntimeException.class, () -> CODEC.writeList(WireCodec.ListKind.JOBS,
                new ByteArrayInputStream(pages.getFirst()), token -> {
                    throw new IllegalStateException("page 2 failed");
                }, out));

        assertEquals("page 2 failed", failure.getMessage());
    }

    /** The list as the proxy wrote it before: parsed by fabric8 as its client does, joined, written by the codec. */
    private static String viaModels(Fixture fixture, List<byte[]> pages) {
        List<HasMetadata> items = new ArrayList<>();
        String version = null;
        for (byte[] page : pages) {
            KubernetesResourceList<? extends HasMetadata> list = FABRIC8.unmarshal(
                    new String(page, StandardCharsets.UTF_8), fixture.type);
            items.addAll(list.getItems());
            version = list.getMetadata().getResourceVersion();
        }
        ListMeta meta = new ListMeta();
        meta.setResourceVersion(version);
        Object list = switch (fixture) {
            case JOBS -> {
                JobList l = new JobList();
                l.setApiVersion("batch/v1");
                l.setKind("JobList");
                l.setMetadata(meta);
                l.setItems(items.stream().map(io.fabric8.kubernetes.api.model.batch.v1.Job.class::cast).toList());
                yield l;
            }
            case CRONJOBS -> {
                CronJobList l = new CronJobList();
                l.setApiVersion("batch/v1");
                l.setKind("CronJobList");
                l.setMetadata(meta);
                l.setItems(items.stream().map(io.fabric8.kubernetes.api.model.batch.v1.CronJob.class::cast).toList());
                yield l;
            }
            case PODS -> {
                PodList l = new PodList();
                l.setApiVersion("v1");
                l.setKind("PodList");
                l.setMetadata(meta);
                l.setItems(items.stream().map(io.fabric8.kubernetes.api.model.Pod.class::cast).toList());
                yield l;
            }
        };
        return new String(CODEC.write(list), StandardCharsets.UTF_8);
    }

    private static String transcode(WireCodec.ListKind kind, List<byte[]> pages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Map<String, byte[]> byToken = new java.util.HashMap<>();
        for (int i = 1; i < pages.size(); i++) {
            byToken.put("page-" + (i + 1), pages.get(i));
        }
        Function<String, InputStream> next = token -> new ByteArrayInputStream(byToken.get(token));
        CODEC.writeList(kind, new ByteArrayInputStream(pages.getFirst()), next, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The list as a paging API server sends it: one item per page, continue tokens on all but the last. */
    private static List<byte[]> split(byte[] whole) {
        ObjectNode list = (ObjectNode) JSON.readTree(whole);
        ArrayNode items = (ArrayNode) list.get("items");
        List<byte[]> pages = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            ObjectNode page = list.deepCopy();
            page.putArray("items").add(items.get(i));
            ObjectNode meta = page.putObject("metadata");
            boolean last = i == items.size() - 1;
            meta.put("resourceVersion", last ? "last-page-version" : "page-version-" + i);
            if (!last) {
                meta.put("continue", "page-" + (i + 2));
                meta.put("remainingItemCount", items.size() - i - 1);
            }
            pages.add(JSON.writeValueAsBytes(page));
        }
        return pages;
    }

    private static byte[] resource(String name) {
        try (InputStream in = DialectTranscoderTest.class.getResourceAsStream("/api/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
