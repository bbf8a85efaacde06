package org.kbatch.proxy.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import org.kbatch.proxy.errors.Refusal;

/**
 * {@code default_container_resources} and {@code max_container_resources} ({@code KBATCH_DEFAULT_CONTAINER_RESOURCES},
 * {@code KBATCH_MAX_CONTAINER_RESOURCES}), applied to the rendered job (the admin template merged in):
 * <ul>
 *   <li>a container that asks for none of a resource (neither request nor limit: Kubernetes takes a limit alone as
 *       the request too) gets the default request; init containers are left as they are;</li>
 *   <li>no container or init container may request or limit more of a resource than its cap.</li>
 * </ul>
 */
public final class ContainerResources {

    private ContainerResources() {
    }

    /** The workload with the default requests filled in; the input is not modified. */
    public static <W extends HasMetadata> W withDefaults(W workload, OperatorPolicy policy) {
        Map<String, Quantity> defaults = policy.defaultContainerResources();
        if (defaults.isEmpty()) {
            return workload;
        }
        return PodSpecs.editPodSpec(workload, pod -> {
            List<Container> containers = new ArrayList<>();
            for (Container c : pod.getContainers() == null ? List.<Container>of() : pod.getContainers()) {
                containers.add(withDefaults(c, defaults));
            }
            return new PodSpecBuilder(pod).withContainers(containers).build();
        });
    }

    private static Container withDefaults(Container container, Map<String, Quantity> defaults) {
        ResourceRequirements resources = container.getResources();
        Map<String, Quantity> requests = new LinkedHashMap<>(resources == null || resources.getRequests() == null
                ? Map.of() : resources.getRequests());
        Map<String, Quantity> limits = resources == null || resources.getLimits() == null ? Map.of()
                : resources.getLimits();
        boolean changed = false;
        for (Map.Entry<String, Quantity> d : defaults.entrySet()) {
            if (!requests.containsKey(d.getKey()) && !limits.containsKey(d.getKey())) {
                requests.put(d.getKey(), d.getValue());
                changed = true;
            }
        }
        if (!changed) {
            return container;
        }
        ResourceRequirementsBuilder edited = resources == null ? new ResourceRequirementsBuilder()
                : new ResourceRequirementsBuilder(resources);
        return new ContainerBuilder(container).withResources(edited.withRequests(requests).build()).build();
    }

    /** Refuses (422) the first request or limit over its cap, naming the container, the resource and the cap. */
    public static void check(HasMetadata workload, OperatorPolicy policy) {
        Map<String, Quantity> caps = policy.maxContainerResources();
        PodSpec pod = PodSpecs.podSpec(workload);
        if (caps.isEmpty() || pod == null) {
            return;
        }
        PodSpecs.forEachContainer(pod, PodSpecs.podPath(workload), (c, path) -> {
            ResourceRequirements resources = c.getResources();
            if (resources == null) {
                return;
            }
            String where = path + (c.getName() == null ? "" : " (" + c.getName() + ")");
            over(resources.getRequests(), "requests", where, caps, policy);
            over(resources.getLimits(), "limits", where, caps, policy);
        });
    }

    private static void over(Map<String, Quantity> asked, String kind, String where, Map<String, Quantity> caps,
                             OperatorPolicy policy) {
        if (asked == null) {
            return;
        }
        for (Map.Entry<String, Quantity> e : asked.entrySet()) {
            Quantity cap = caps.get(e.getKey());
            if (cap == null || e.getValue() == null) {
                continue;
            }
            if (OperatorPolicy.amount(e.getValue()).compareTo(OperatorPolicy.amount(cap)) > 0) {
                throw new Refusal(422, "max_container_resources", where + ".resources." + kind + "." + e.getKey()
                        + ": " + e.getValue() + " is more than the most a container may have, " + cap + " ("
                        + policy.source("max_container_resources." + e.getKey()) + ")");
            }
        }
    }
}
