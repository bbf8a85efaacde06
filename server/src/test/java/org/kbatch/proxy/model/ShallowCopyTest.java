package org.kbatch.proxy.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

class ShallowCopyTest {

    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    /** A pod spec with many of its fields set, and a key fabric8 does not know (kept in additionalProperties). */
    private static PodSpec pod() {
        return JSON.unmarshal("""
                {"containers": [{"name": "job", "image": "busybox", "env": [{"name": "A", "value": "1"}]}],
                 "initContainers": [{"name": "init", "image": "busybox"}],
                 "volumes": [{"name": "data", "emptyDir": {}}],
                 "nodeSelector": {"disk": "ssd"}, "tolerations": [{"key": "k", "operator": "Exists"}],
                 "restartPolicy": "Never", "serviceAccountName": "default", "hostname": "h",
                 "activeDeadlineSeconds": 60, "terminationGracePeriodSeconds": 5, "priority": 3,
                 "securityContext": {"runAsUser": 1000}, "futureField": {"x": 1}}""", PodSpec.class);
    }

    @Test
    void aCopyHasEveryFieldOfTheOriginalAndSharesItsNestedObjects() {
        PodSpec original = pod();
        PodSpec copy = ShallowCopy.of(original);

        assertNotSame(original, copy);
        assertEquals(original, copy);
        assertEquals(JSON.asJson(original), JSON.asJson(copy));
        assertEquals(Map.of("x", 1), copy.getAdditionalProperties().get("futureField"));
        assertSame(original.getContainers(), copy.getContainers());
        assertSame(original.getSecurityContext(), copy.getSecurityContext());
    }

    @Test
    void anEditChangesTheCopyOnly() {
        PodSpec original = pod();
        String before = JSON.asJson(original);
        Container extra = new Container();
        extra.setName("second");

        PodSpec edited = ShallowCopy.with(original, p -> {
            p.setRestartPolicy("OnFailure");
            p.setContainers(ShallowCopy.appended(original.getContainers(), extra));
            p.setNodeSelector(ShallowCopy.put(original.getNodeSelector(), "zone", "a"));
            p.setAdditionalProperty("another", true);
        });

        assertEquals(before, JSON.asJson(original));
        assertNull(original.getAdditionalProperties().get("another"));
        assertEquals("OnFailure", edited.getRestartPolicy());
        assertEquals(List.of("job", "second"), edited.getContainers().stream().map(Container::getName).toList());
        assertEquals(Map.of("disk", "ssd", "zone", "a"), edited.getNodeSelector());
        assertEquals(true, edited.getAdditionalProperties().get("another"));
        assertSame(original.getVolumes(), edited.getVolumes());
    }

    @Test
    void listHelpersMakeNewListsAndTakeNoneForEmpty() {
        List<String> list = List.of("a", "b");
        assertEquals(List.of("a", "x"), ShallowCopy.replaced(list, 1, "x"));
        assertEquals(List.of("z", "a", "b"), ShallowCopy.prepended("z", list));
        assertEquals(List.of("z"), ShallowCopy.prepended("z", null));
        assertEquals(List.of("c"), ShallowCopy.appended(null, "c"));
        assertEquals(List.of("a", "b"), list);
    }
}
