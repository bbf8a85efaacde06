package org.kbatch.proxy.render;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpecBuilder;
import org.kbatch.proxy.caller.Caller;

/**
 * The profile's placeholders in what the CLI made of them. The CLI fetches {@code profiles/} without a token, so it
 * gets them as written, and copies a profile's {@code image}, {@code tolerations} and {@code node_affinity_required}
 * into the job it submits. Here the placeholders in exactly those fields are filled in with the caller's values.
 * Nothing else the user wrote is touched, and no valid submission changes meaning: braces are not allowed in an image
 * reference, a toleration's key or value, or a node selector's key or values, so the API server would have refused
 * them as they were.
 */
final class ProfileFields {

    private ProfileFields() {
    }

    /**
     * The job with the placeholders in its profile fields filled in; itself when it has none (then the caller's
     * values are not even worked out: almost every job has none).
     */
    static JobTemplateSpec expandPlaceholders(JobTemplateSpec job, Caller caller) {
        PodSpec pod = job.getSpec() == null || job.getSpec().getTemplate() == null ? null
                : job.getSpec().getTemplate().getSpec();
        if (pod == null || !Placeholders.any(profileStrings(pod))) {
            return job;
        }
        Map<String, String> values = Placeholders.of(caller);
        JobTemplateSpec copy = new JobTemplateSpecBuilder(job).build();
        PodSpec edited = copy.getSpec().getTemplate().getSpec();
        UnaryOperator<String> expand = s -> Placeholders.expand(s, values);
        for (Container c : edited.getContainers() == null ? List.<Container>of() : edited.getContainers()) {
            c.setImage(expand.apply(c.getImage()));
        }
        for (Toleration t : edited.getTolerations() == null ? List.<Toleration>of() : edited.getTolerations()) {
            t.setKey(expand.apply(t.getKey()));
            t.setValue(expand.apply(t.getValue()));
        }
        for (NodeSelectorRequirement r : requirements(edited)) {
            r.setKey(expand.apply(r.getKey()));
            if (r.getValues() != null) {
                r.setValues(r.getValues().stream().map(expand).toList());
            }
        }
        return copy;
    }

    private static List<String> profileStrings(PodSpec pod) {
        List<String> strings = new ArrayList<>();
        if (pod.getContainers() != null) {
            pod.getContainers().forEach(c -> strings.add(c.getImage()));
        }
        if (pod.getTolerations() != null) {
            pod.getTolerations().forEach(t -> {
                strings.add(t.getKey());
                strings.add(t.getValue());
            });
        }
        for (NodeSelectorRequirement r : requirements(pod)) {
            strings.add(r.getKey());
            if (r.getValues() != null) {
                strings.addAll(r.getValues());
            }
        }
        strings.removeIf(java.util.Objects::isNull);
        return strings;
    }

    private static List<NodeSelectorRequirement> requirements(PodSpec pod) {
        if (pod.getAffinity() == null || pod.getAffinity().getNodeAffinity() == null
                || pod.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null
                || pod.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms() == null) {
            return List.of();
        }
        List<NodeSelectorRequirement> all = new ArrayList<>();
        for (NodeSelectorTerm term : pod.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms()) {
            if (term.getMatchExpressions() != null) {
                all.addAll(term.getMatchExpressions());
            }
            if (term.getMatchFields() != null) {
                all.addAll(term.getMatchFields());
            }
        }
        return all;
    }
}
