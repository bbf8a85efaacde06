package org.kbatch.proxy.demo;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The {@code status} of a simulated pod, as the kubelet would report it, while running and once ended. */
final class PodStatuses {

    private PodStatuses() {
    }

    static ObjectNode running(SimulatedPod pod, String podIp, String qosClass) {
        String started = DemoJson.timestamp(pod.startedAt());
        ObjectNode status = DemoJson.MAPPER.createObjectNode();
        status.put("phase", "Running");
        ArrayNode conditions = status.putArray("conditions");
        for (String type : List.of("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")) {
            condition(conditions, type, "True", null, started);
        }
        status.put("hostIP", "127.0.0.1");
        status.putArray("hostIPs").addObject().put("ip", "127.0.0.1");
        status.put("podIP", podIp);
        status.putArray("podIPs").addObject().put("ip", podIp);
        status.put("startTime", started);
        if (!pod.initImages().isEmpty()) {
            ArrayNode init = status.putArray("initContainerStatuses");
            for (Map.Entry<String, String> container : pod.initImages().entrySet()) {
                ObjectNode s = containerStatus(init, pod, container, false);
                terminated(s.putObject("state"), pod, container.getKey(), 0, "Completed", started, started);
            }
        }
        ArrayNode containers = status.putArray("containerStatuses");
        for (Map.Entry<String, String> container : pod.images().entrySet()) {
            ObjectNode s = containerStatus(containers, pod, container, true);
            s.putObject("state").putObject("running").put("startedAt", started);
        }
        status.put("qosClass", qosClass);
        return status;
    }

    /** What changes when the pod ends: phase, conditions and container states (a merge patch of status). */
    static ObjectNode ended(SimulatedPod pod, boolean failed, Instant at) {
        String started = DemoJson.timestamp(pod.startedAt());
        String finished = DemoJson.timestamp(at);
        String reason = failed ? "PodFailed" : "PodCompleted";
        ObjectNode status = DemoJson.MAPPER.createObjectNode();
        status.put("phase", failed ? "Failed" : "Succeeded");
        ArrayNode conditions = status.putArray("conditions");
        condition(conditions, "PodReadyToStartContainers", "False", null, finished);
        condition(conditions, "Initialized", "True", failed ? null : reason, started);
        condition(conditions, "Ready", "False", reason, finished);
        condition(conditions, "ContainersReady", "False", reason, finished);
        condition(conditions, "PodScheduled", "True", null, started);
        ArrayNode containers = status.putArray("containerStatuses");
        for (Map.Entry<String, String> container : pod.images().entrySet()) {
            ObjectNode s = containerStatus(containers, pod, container, false);
            terminated(s.putObject("state"), pod, container.getKey(), failed ? 1 : 0, failed ? "Error" : "Completed",
                    started, finished);
        }
        return status;
    }

    private static void condition(ArrayNode conditions, String type, String value, String reason, String at) {
        ObjectNode condition = conditions.addObject();
        condition.put("type", type);
        condition.put("status", value);
        condition.putNull("lastProbeTime");
        condition.put("lastTransitionTime", at);
        if (reason != null) {
            condition.put("reason", reason);
        }
    }

    private static ObjectNode containerStatus(ArrayNode statuses, SimulatedPod pod, Map.Entry<String, String> container,
                                              boolean running) {
        ObjectNode status = statuses.addObject();
        status.put("name", container.getKey());
        status.put("image", container.getValue());
        status.put("imageID", "kbatch-demo://" + container.getValue());
        status.put("containerID", containerId(pod, container.getKey()));
        status.put("ready", running);
        status.put("started", running);
        status.put("restartCount", 0);
        status.putObject("lastState");
        return status;
    }

    private static void terminated(ObjectNode state, SimulatedPod pod, String container, int exitCode, String reason,
                                   String startedAt, String finishedAt) {
        ObjectNode terminated = state.putObject("terminated");
        terminated.put("exitCode", exitCode);
        terminated.put("reason", reason);
        terminated.put("startedAt", startedAt);
        terminated.put("finishedAt", finishedAt);
        terminated.put("containerID", containerId(pod, container));
    }

    private static String containerId(SimulatedPod pod, String container) {
        UUID id = UUID.nameUUIDFromBytes((pod.key() + "/" + container).getBytes(StandardCharsets.UTF_8));
        return "kbatch-demo://" + id.toString().replace("-", "");
    }
}
