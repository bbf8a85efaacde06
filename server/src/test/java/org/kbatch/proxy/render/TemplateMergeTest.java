package org.kbatch.proxy.render;

import org.kbatch.proxy.testing.WireFixtures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.kbatch.proxy.render.Samples.job;
import static org.kbatch.proxy.render.Samples.pure;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpecBuilder;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class TemplateMergeTest {

    private static JsonNode json(String s) {
        return WireFixtures.JSON.readTree(s);
    }

    @Test
    void objectsMergeKeyByKeyTemplateWins() {
        assertEquals(json("{\"a\":{\"x\":1,\"y\":2,\"z\":3},\"b\":1}"),
                TemplateMerge.merge(json("{\"a\":{\"x\":1,\"y\":1},\"b\":1}"), json("{\"a\":{\"y\":2,\"z\":3}}")));
    }

    @Test
    void listsConcatenateUsersFirst() {
        assertEquals(json("{\"l\":[1,2,3]}"), TemplateMerge.merge(json("{\"l\":[1,2]}"), json("{\"l\":[3]}")));
    }

    @Test
    void aTemplateContainerNamedLikeTheUsersIsMergedIntoIt() {
        assertEquals(json("{\"containers\":[{\"name\":\"job\",\"image\":\"u\",\"volumeMounts\":[{\"name\":\"a\"},"
                        + "{\"name\":\"home\"}]},{\"name\":\"sidecar\"}],\"env\":[{\"name\":\"X\"},{\"name\":\"X\"}]}"),
                TemplateMerge.merge(json("{\"containers\":[{\"name\":\"job\",\"image\":\"u\",\"volumeMounts\":"
                                + "[{\"name\":\"a\"}]}],\"env\":[{\"name\":\"X\"}]}"),
                        json("{\"containers\":[{\"name\":\"job\",\"volumeMounts\":[{\"name\":\"home\"}]},"
                                + "{\"name\":\"sidecar\"}],\"env\":[{\"name\":\"X\"}]}")));
    }

    @Test
    void anythingElseTakesTheTemplatesValue() {
        assertEquals(json("{\"a\":[1],\"b\":{\"c\":1},\"d\":\"t\"}"),
                TemplateMerge.merge(json("{\"a\":{\"x\":1},\"b\":\"s\",\"d\":\"u\"}"),
                        json("{\"a\":[1],\"b\":{\"c\":1},\"d\":\"t\"}")));
    }

    @Test
    void templateNullsAreSkipped() {
        assertEquals(json("{\"a\":1,\"b\":{\"c\":2}}"),
                TemplateMerge.merge(json("{\"a\":1}"), json("{\"a\":null,\"b\":{\"c\":2,\"d\":null}}")));
    }

    @Test
    void mergeLeavesBothInputsAlone() {
        JsonNode user = json("{\"a\":{\"x\":[1]}}");
        JsonNode template = json("{\"a\":{\"x\":[2],\"y\":{\"z\":1}}}");
        JsonNode merged = TemplateMerge.merge(user, template);
        ((tools.jackson.databind.node.ObjectNode) merged.get("a").get("y")).put("z", 99);
        assertEquals(json("{\"a\":{\"x\":[1]}}"), user);
        assertEquals(json("{\"a\":{\"x\":[2],\"y\":{\"z\":1}}}"), template);
    }

    @Test
    void adminTemplateIntoAJob() {
        Map<String, Object> template = Map.of(
                "apiVersion", "batch/v1",
                "kind", "Job",
                "metadata", Map.of("annotations", Map.of("site", "x"), "labels", Map.of("team", "red")),
                "spec", Map.of("backoffLimit", 2, "template", Map.of("spec", Map.of(
                        "nodeSelector", Map.of("pool", "batch"),
                        "tolerations", List.of(Map.of("key", "dedicated", "operator", "Exists")),
                        "containers", List.of(Map.of("name", "admin-sidecar", "image", "a",
                                "resources", Map.of("limits", Map.of("cpu", 1))))))));
        JobTemplateSpec user = new JobTemplateSpecBuilder(job()).editSpec().editTemplate().editSpec()
                .addNewToleration().withKey("users").withOperator("Exists").endToleration()
                .endSpec().endTemplate().endSpec().build();

        JobTemplateSpec out = pure(user, j -> TemplateMerge.mergeAdminTemplate(j, template));

        assertEquals(Map.of("site", "x"), out.getMetadata().getAnnotations());
        assertEquals(Map.of("team", "red"), out.getMetadata().getLabels()); // template's value wins
        assertEquals("my-job-", out.getMetadata().getGenerateName());
        assertEquals(2, out.getSpec().getBackoffLimit());
        var pod = out.getSpec().getTemplate().getSpec();
        assertEquals(Map.of("pool", "batch"), pod.getNodeSelector());
        assertEquals(List.of("users", "dedicated"), pod.getTolerations().stream().map(Toleration::getKey).toList());
        // lists concatenate, so a template's container is an extra container after the user's
        assertEquals(List.of("job", "sidecar", "admin-sidecar"),
                pod.getContainers().stream().map(c -> c.getName()).toList());
        assertEquals(new Quantity("1"), pod.getContainers().get(2).getResources().getLimits().get("cpu"));
        // apiVersion/kind of the template are not part of a job template
        assertEquals(Map.of(), out.getAdditionalProperties());
    }

    @Test
    void noTemplateNoChange() {
        JobTemplateSpec user = job();
        assertSame(user, TemplateMerge.mergeAdminTemplate(user, null));
        assertSame(user, TemplateMerge.mergeAdminTemplate(user, Map.of()));
    }

    @Test
    void aTemplateThatIsNotAJobIsRefusedUpFront() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new RenderSettings(Map.of("spec", "not an object"), Map.of(), 3600));
        assertEquals(true, e.getMessage().startsWith("the job template is not a Job"));
    }

    @Test
    void settingsValidateTheTtl() {
        assertThrows(IllegalArgumentException.class, () -> new RenderSettings(null, Map.of(), -1));
        assertThrows(IllegalArgumentException.class,
                () -> new RenderSettings(null, Map.of(), Integer.MAX_VALUE + 1L));
        assertEquals(3600, RenderSettings.defaults().ttlSecondsAfterFinished());
        assertEquals(Map.of(), new RenderSettings(null, null, 1).extraEnv());
    }
}
