package org.kbatch.proxy.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a real API server does to an object on create and the CRUD storage does not: infer {@code kind} and
 * {@code apiVersion} from the path (the Python client leaves them out), check the namespace, turn
 * {@code generateName} into a name with five random characters, fill in the defaults (pod spec, Job, CronJob,
 * Namespace, Secret) and reject invalid names and labels with a 422 like the API server's. Only the parts kbatch
 * exercises are covered.
 */
final class Admission {

    /** The alphabet of generated name suffixes (Kubernetes' own: no vowels, no confusable digits). */
    private static final String SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
    private static final int SUFFIX_LENGTH = 5;
    private static final int MAX_NAME_LENGTH = 63;

    static final String JOB_NAME = "job-name";
    static final String BATCH_JOB_NAME = "batch.kubernetes.io/job-name";
    static final String CONTROLLER_UID = "controller-uid";
    static final String BATCH_CONTROLLER_UID = "batch.kubernetes.io/controller-uid";

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
    private static final Pattern LABEL_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");

    private static final String DNS_LABEL_MESSAGE = "a lowercase RFC 1123 label must consist of lower case alphanumeric"
            + " characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or"
            + " '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    private static final String DNS_SUBDOMAIN_MESSAGE = "a lowercase RFC 1123 subdomain must consist of lower case"
            + " alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g."
            + " 'example.com', regex used for validation is"
            + " '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    private static final String LABEL_VALUE_MESSAGE = "a valid label must be an empty string or consist of"
            + " alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
            + " (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is"
            + " '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
    private static final String LABEL_NAME_MESSAGE = "name part must consist of alphanumeric characters, '-', '_' or"
            + " '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or"
            + " '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    private Admission() {
    }

    /**
     * Fills in what the API server infers and defaults, before a name is generated.
     *
     * @return a failure {@code Status} when the request cannot be accepted
     */
    static Optional<ObjectNode> prepare(ApiPath path, ObjectNode object) {
        Optional<String> kind = path.kind();
        if (!object.has("apiVersion")) {
            object.put("apiVersion", path.apiVersion());
        }
        if (!object.has("kind") && kind.isPresent()) {
            object.put("kind", kind.get());
        }
        ObjectNode metadata = object.withObject("metadata");
        String namespace = DemoJson.text(metadata, "namespace");
        if (path.namespace() != null) {
            if (namespace == null || namespace.isEmpty()) {
                metadata.put("namespace", path.namespace());
            } else if (!namespace.equals(path.namespace())) {
                return Optional.of(KubeStatus.failure(400, "BadRequest",
                        "the namespace of the provided object does not match the namespace sent on the request"));
            }
        }
        // Server-managed fields are the server's to set.
        metadata.remove(List.of("uid", "resourceVersion", "creationTimestamp", "deletionTimestamp", "generation",
                "selfLink", "managedFields"));
        if (isEmpty(metadata, "name") && isEmpty(metadata, "generateName")) {
            String k = kind.orElse(path.resource());
            return Optional.of(KubeStatus.invalid(path, k, "",
                    List.of(new KubeStatus.Cause("metadata.name", "Required value: name or generateName is required"))));
        }
        if (path.is("", "pods")) {
            podSpecDefaults(object.withObject("spec"));
            if (!object.has("status")) {
                object.putObject("status").put("phase", "Pending");
            }
        } else if (path.is("batch", "jobs")) {
            object.remove("status");
            jobSpecDefaults(object.withObject("spec"));
        } else if (path.is("batch", "cronjobs")) {
            object.remove("status");
            ObjectNode spec = object.withObject("spec");
            putIfAbsent(spec, "concurrencyPolicy", "Allow");
            putIfAbsent(spec, "suspend", false);
            putIfAbsent(spec, "successfulJobsHistoryLimit", 3);
            putIfAbsent(spec, "failedJobsHistoryLimit", 1);
            JsonNode podSpec = spec.path("jobTemplate").path("spec").path("template").path("spec");
            if (podSpec instanceof ObjectNode s) {
                podSpecDefaults(s);
            }
        } else if (path.is("", "namespaces")) {
            object.withObject("spec").putArray("finalizers").add("kubernetes");
            object.putObject("status").put("phase", "Active");
        } else if (path.is("", "secrets")) {
            putIfAbsent(object, "type", "Opaque");
        }
        return Optional.empty();
    }

    /** The name the API server makes of a {@code generateName}. */
    static String generateName(String prefix) {
        String base = prefix.length() > MAX_NAME_LENGTH - SUFFIX_LENGTH
                ? prefix.substring(0, MAX_NAME_LENGTH - SUFFIX_LENGTH) : prefix;
        return base + randomSuffix();
    }

    static String randomSuffix() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder suffix = new StringBuilder(SUFFIX_LENGTH);
        for (int i = 0; i < SUFFIX_LENGTH; i++) {
            suffix.append(SUFFIX_ALPHABET.charAt(random.nextInt(SUFFIX_ALPHABET.length())));
        }
        return suffix.toString();
    }

    /**
     * Defaults that depend on the name, then the validation of the name and of every label map.
     *
     * @return a 422 {@code Status} when something is invalid
     */
    static Optional<ObjectNode> complete(ApiPath path, ObjectNode object) {
        ObjectNode metadata = object.withObject("metadata");
        String name = DemoJson.text(metadata, "name");
        String kind = DemoJson.text(object, "kind") != null ? DemoJson.text(object, "kind") : path.resource();
        if (path.is("", "namespaces")) {
            metadata.withObject("labels").put("kubernetes.io/metadata.name", name);
        }
        List<KubeStatus.Cause> causes = new ArrayList<>();
        if (path.is("", "namespaces")) {
            checkDnsLabel(name, causes);
        } else {
            checkDnsSubdomain(name, causes);
        }
        if (path.is("batch", "jobs")) {
            // The Job's name becomes the value of its pods' job-name label.
            checkLabelValue("spec.template.labels", name, causes);
        }
        if (path.is("batch", "jobs")) {
            checkJobRestartPolicy("spec.template.spec.restartPolicy", object.path("spec").path("template"), causes);
        } else if (path.is("batch", "cronjobs")) {
            checkJobRestartPolicy("spec.jobTemplate.spec.template.spec.restartPolicy",
                    object.path("spec").path("jobTemplate").path("spec").path("template"), causes);
        }
        checkLabels("metadata.labels", metadata.get("labels"), causes);
        checkLabels("spec.template.metadata.labels", object.path("spec").path("template").path("metadata").get("labels"), causes);
        JsonNode jobTemplate = object.path("spec").path("jobTemplate");
        checkLabels("spec.jobTemplate.metadata.labels", jobTemplate.path("metadata").get("labels"), causes);
        checkLabels("spec.jobTemplate.spec.template.metadata.labels",
                jobTemplate.path("spec").path("template").path("metadata").get("labels"), causes);
        return causes.isEmpty() ? Optional.empty() : Optional.of(KubeStatus.invalid(path, kind, name, causes));
    }

    /**
     * What the API server adds to a Job once its uid is known: the selector on {@code controller-uid} and the
     * job's labels on the pod template (a JSON merge patch).
     */
    static ObjectNode jobSelectorPatch(ObjectNode job) {
        String uid = DemoJson.text(job.path("metadata"), "uid");
        String name = DemoJson.text(job.path("metadata"), "name");
        ObjectNode patch = DemoJson.MAPPER.createObjectNode();
        ObjectNode spec = patch.putObject("spec");
        if (!job.path("spec").path("manualSelector").asBoolean(false)) {
            spec.putObject("selector").putObject("matchLabels").put(BATCH_CONTROLLER_UID, uid);
        }
        ObjectNode labels = spec.putObject("template").putObject("metadata").putObject("labels");
        for (Map.Entry<String, String> label : jobLabels(name, uid).entrySet()) {
            labels.put(label.getKey(), label.getValue());
        }
        return patch;
    }

    /** The four labels a Job's pods carry. */
    static Map<String, String> jobLabels(String jobName, String jobUid) {
        return Map.of(BATCH_CONTROLLER_UID, jobUid, BATCH_JOB_NAME, jobName, CONTROLLER_UID, jobUid, JOB_NAME, jobName);
    }

    private static void jobSpecDefaults(ObjectNode spec) {
        if (!spec.has("completions") && !spec.has("parallelism")) {
            spec.put("completions", 1);
        }
        putIfAbsent(spec, "parallelism", 1);
        putIfAbsent(spec, "backoffLimit", 6);
        putIfAbsent(spec, "completionMode", "NonIndexed");
        putIfAbsent(spec, "suspend", false);
        JsonNode podSpec = spec.path("template").path("spec");
        if (podSpec instanceof ObjectNode s) {
            podSpecDefaults(s);
        }
    }

    private static void podSpecDefaults(ObjectNode spec) {
        putIfAbsent(spec, "restartPolicy", "Always");
        putIfAbsent(spec, "dnsPolicy", "ClusterFirst");
        putIfAbsent(spec, "schedulerName", "default-scheduler");
        putIfAbsent(spec, "terminationGracePeriodSeconds", 30);
        if (!spec.has("securityContext") || spec.get("securityContext").isNull()) {
            spec.putObject("securityContext");
        }
        for (String list : List.of("initContainers", "containers")) {
            if (spec.get(list) instanceof ArrayNode containers) {
                for (JsonNode c : containers) {
                    if (c instanceof ObjectNode container) {
                        containerDefaults(container);
                    }
                }
            }
        }
    }

    private static void containerDefaults(ObjectNode container) {
        String image = DemoJson.text(container, "image");
        putIfAbsent(container, "imagePullPolicy", pullsAlways(image) ? "Always" : "IfNotPresent");
        putIfAbsent(container, "terminationMessagePath", "/dev/termination-log");
        putIfAbsent(container, "terminationMessagePolicy", "File");
        if (!container.has("resources") || container.get("resources").isNull()) {
            container.putObject("resources");
        }
    }

    /** No tag, or {@code :latest}, without a digest: the API server defaults the pull policy to Always. */
    private static boolean pullsAlways(String image) {
        if (image == null || image.contains("@")) {
            return false;
        }
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        return colon <= slash || image.substring(colon + 1).equals("latest");
    }

    /** A Job's pods must not restart in place. */
    private static void checkJobRestartPolicy(String field, JsonNode template, List<KubeStatus.Cause> causes) {
        String policy = DemoJson.text(template.path("spec"), "restartPolicy");
        if (policy != null && !policy.equals("Never") && !policy.equals("OnFailure")) {
            causes.add(new KubeStatus.Cause(field, "Unsupported value: \"" + policy
                    + "\": supported values: \"OnFailure\", \"Never\""));
        }
    }

    private static void checkDnsLabel(String name, List<KubeStatus.Cause> causes) {
        if (name.length() > MAX_NAME_LENGTH) {
            causes.add(new KubeStatus.Cause("metadata.name", "Invalid value: \"" + name + "\": must be no more than 63 characters"));
        } else if (!DNS_LABEL.matcher(name).matches()) {
            causes.add(new KubeStatus.Cause("metadata.name", "Invalid value: \"" + name + "\": " + DNS_LABEL_MESSAGE));
        }
    }

    private static void checkDnsSubdomain(String name, List<KubeStatus.Cause> causes) {
        if (name.length() > 253) {
            causes.add(new KubeStatus.Cause("metadata.name", "Invalid value: \"" + name + "\": must be no more than 253 characters"));
        } else if (!DNS_SUBDOMAIN.matcher(name).matches()) {
            causes.add(new KubeStatus.Cause("metadata.name", "Invalid value: \"" + name + "\": " + DNS_SUBDOMAIN_MESSAGE));
        }
    }

    private static void checkLabels(String field, JsonNode labels, List<KubeStatus.Cause> causes) {
        if (labels == null || !labels.isObject()) {
            return;
        }
        for (Map.Entry<String, JsonNode> label : labels.properties()) {
            checkLabelKey(field, label.getKey(), causes);
            JsonNode value = label.getValue();
            checkLabelValue(field, value.isString() ? value.stringValue() : value.toString(), causes);
        }
    }

    private static void checkLabelKey(String field, String key, List<KubeStatus.Cause> causes) {
        int slash = key.indexOf('/');
        String prefix = slash < 0 ? null : key.substring(0, slash);
        String name = slash < 0 ? key : key.substring(slash + 1);
        boolean valid = name.length() <= MAX_NAME_LENGTH && LABEL_NAME.matcher(name).matches()
                && (prefix == null || (prefix.length() <= 253 && DNS_SUBDOMAIN.matcher(prefix).matches()));
        if (!valid) {
            causes.add(new KubeStatus.Cause(field, "Invalid value: \"" + key + "\": " + LABEL_NAME_MESSAGE));
        }
    }

    private static void checkLabelValue(String field, String value, List<KubeStatus.Cause> causes) {
        if (value.length() > MAX_NAME_LENGTH) {
            causes.add(new KubeStatus.Cause(field, "Invalid value: \"" + value + "\": must be no more than 63 characters"));
        } else if (!LABEL_VALUE.matcher(value).matches()) {
            causes.add(new KubeStatus.Cause(field, "Invalid value: \"" + value + "\": " + LABEL_VALUE_MESSAGE));
        }
    }

    private static boolean isEmpty(ObjectNode node, String field) {
        String text = DemoJson.text(node, field);
        return text == null || text.isEmpty();
    }

    private static void putIfAbsent(ObjectNode node, String field, String value) {
        if (!node.has(field) || node.get(field).isNull()) {
            node.put(field, value);
        }
    }

    private static void putIfAbsent(ObjectNode node, String field, int value) {
        if (!node.has(field) || node.get(field).isNull()) {
            node.put(field, value);
        }
    }

    private static void putIfAbsent(ObjectNode node, String field, boolean value) {
        if (!node.has(field) || node.get(field).isNull()) {
            node.put(field, value);
        }
    }
}
