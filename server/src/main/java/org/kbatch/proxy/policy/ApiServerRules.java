package org.kbatch.proxy.policy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobTemplateSpec;
import org.kbatch.proxy.errors.ApiException;
import org.kbatch.proxy.naming.KubernetesNames;

/**
 * What the Kubernetes API server would refuse in a submission, checked before anything is created, so that the user
 * reads about the field they sent ({@code job.metadata.generate_name}) instead of an object the proxy derived from
 * it (the env Secret, the code ConfigMap), a half-made submission or a crash on our side. In the API server's terms:
 * <ul>
 *   <li><b>names</b>: the workload's and the code's {@code name} and {@code generate_name} are DNS-1123 subdomains
 *       (a prefix for {@code generate_name}), within the length that still fits once Kubernetes adds its 5 random
 *       characters, a Job's name goes into its pods' labels (63) and a CronJob's into its jobs' names (52); in a shared
 *       namespace, where the proxy turns a name into the prefix {@code <name>-}, the limit counts that too;</li>
 *   <li><b>labels and annotations</b> of every metadata in the submission (the Secret carries the job's labels);</li>
 *   <li><b>server-managed fields</b>: {@code resource_version} on an object to create;</li>
 *   <li><b>env</b>: every entry has a name without {@code =}; {@code value} and {@code value_from} are not both
 *       set (the proxy moves literal values into a Secret keyed by name);</li>
 *   <li><b>code</b>: its keys, its base64, and the zip under {@code binary_data.code} that the unzip step reads.</li>
 * </ul>
 * Every problem found is named in one 422.
 */
public final class ApiServerRules {

    /** Kubernetes' generated names: at most 58 characters of the prefix, then 5 random ones. */
    static final int GENERATED_PREFIX = 58;
    static final int RANDOM_SUFFIX = 5;
    /** A Job's name is the value of its pods' job-name label. */
    static final int MAX_JOB_NAME = 63;
    /** A CronJob's jobs are named {@code <cronjob>-<11 characters>}, and a Job's name may have 63. */
    static final int MAX_CRONJOB_NAME = 52;
    static final int MAX_NAME = KubernetesNames.MAX_SUBDOMAIN;
    static final int MAX_LABEL_VALUE = 63;
    static final int MAX_ANNOTATIONS_BYTES = 256 * 1024;
    /** The most literal env values a Secret holds (Kubernetes' limit on a Secret's data). */
    static final long MAX_ENV_BYTES = 1024 * 1024;
    private static final int MAX_PROBLEMS = 10;

    private static final Pattern CONFIG_KEY = Pattern.compile("[-._a-zA-Z0-9]+");
    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final String SUBDOMAIN_RULE = "lower-case letters, digits, '-' and '.', starting and ending with a"
            + " letter or digit (a DNS-1123 subdomain)";

    private ApiServerRules() {
    }

    /**
     * Fails with a 422 naming every problem (or a 413 when the env values cannot fit into a Secret).
     *
     * @param workload the Job or CronJob as submitted
     * @param code     the code ConfigMap, or {@code null}
     * @param shared   whether the namespace is shared, so that a fixed name becomes the prefix {@code <name>-}
     */
    public static void check(HasMetadata workload, ConfigMap code, boolean shared) {
        List<String> problems = new ArrayList<>();
        boolean cron = workload instanceof CronJob;
        String kind = cron ? "CronJob" : "Job";
        workloadNames(workload.getMetadata(), kind, shared, problems);
        metadata("job.metadata", workload.getMetadata(), true, problems);
        String jobPath;
        JobTemplateSpec jobPart;
        if (workload instanceof CronJob c) {
            jobPath = "job.spec.job_template";
            jobPart = c.getSpec() == null ? null : c.getSpec().getJobTemplate();
            if (jobPart != null) {
                metadata(jobPath + ".metadata", jobPart.getMetadata(), false, problems);
            }
        } else {
            Job job = (Job) workload;
            jobPath = "job";
            jobPart = new JobTemplateSpec(job.getMetadata(), job.getSpec());
        }
        PodTemplateSpec template = jobPart == null || jobPart.getSpec() == null ? null
                : jobPart.getSpec().getTemplate();
        String podPath = jobPath + ".spec.template";
        if (template != null) {
            metadata(podPath + ".metadata", template.getMetadata(), false, problems);
        }
        PodSpec pod = template == null ? null : template.getSpec();
        if (pod == null || pod.getContainers() == null || pod.getContainers().isEmpty()) {
            problems.add(podPath + ".spec.containers: a job needs at least one container");
        } else {
            long envBytes = containers(podPath + ".spec.containers", pod.getContainers(), problems)
                    + containers(podPath + ".spec.init_containers", pod.getInitContainers(), problems);
            if (envBytes > MAX_ENV_BYTES) {
                throw new ApiException(413, "The job's environment values add up to " + envBytes + " bytes;"
                        + " the proxy keeps them in a Secret, which Kubernetes limits to " + MAX_ENV_BYTES);
            }
        }
        if (code != null) {
            codeNames(code.getMetadata(), problems);
            metadata("code.metadata", code.getMetadata(), true, problems);
            code(code, problems);
        }
        if (!problems.isEmpty()) {
            List<String> shown = problems.size() > MAX_PROBLEMS ? problems.subList(0, MAX_PROBLEMS) : problems;
            throw new ApiException(422, String.join("; ", shown)
                    + (problems.size() > MAX_PROBLEMS ? "; and " + (problems.size() - MAX_PROBLEMS) + " more" : ""));
        }
    }

    // --- names

    private static void workloadNames(ObjectMeta meta, String kind, boolean shared, List<String> problems) {
        String name = meta == null ? null : meta.getName();
        String generateName = meta == null ? null : meta.getGenerateName();
        if (isEmpty(name) && isEmpty(generateName)) {
            problems.add("job.metadata: a " + kind + " needs a name or a generate_name");
            return;
        }
        int maxName = kind.equals("CronJob") ? MAX_CRONJOB_NAME : MAX_JOB_NAME;
        String why = kind.equals("CronJob")
                ? "a CronJob's name may have at most " + MAX_CRONJOB_NAME + " (the names of the jobs it starts add 11)"
                : "a Job's name may have at most " + MAX_JOB_NAME + " (Kubernetes puts it into a label of its pods)";
        if (!isEmpty(name)) {
            if (!isSubdomain(name)) {
                problems.add("job.metadata.name: " + quoted(name) + " is not a valid name: " + SUBDOMAIN_RULE);
            } else if (shared && generatedLength(name + "-") > maxName) {
                problems.add("job.metadata.name: at most " + (maxName - RANDOM_SUFFIX - 1) + " characters here, got "
                        + name.length() + ": in this namespace, shared with other users, the proxy makes the name a"
                        + " prefix ('" + "<name>-') to which Kubernetes adds " + RANDOM_SUFFIX + " random characters,"
                        + " and " + why);
            } else if (name.length() > maxName) {
                problems.add("job.metadata.name: at most " + maxName + " characters, got " + name.length() + ": "
                        + why);
            }
        }
        if (!isEmpty(generateName)) {
            if (!isPrefix(generateName)) {
                problems.add("job.metadata.generate_name: " + quoted(generateName) + " is not a valid name prefix: "
                        + SUBDOMAIN_RULE + "; Kubernetes adds " + RANDOM_SUFFIX + " random characters to it");
            } else if (isEmpty(name) && generatedLength(generateName) > maxName) {
                problems.add("job.metadata.generate_name: at most " + (maxName - RANDOM_SUFFIX) + " characters, got "
                        + generateName.length() + ": Kubernetes adds " + RANDOM_SUFFIX + " random characters, and "
                        + why);
            }
        }
    }

    private static void codeNames(ObjectMeta meta, List<String> problems) {
        if (meta == null) {
            return;
        }
        if (!isEmpty(meta.getName()) && !isSubdomain(meta.getName())) {
            problems.add("code.metadata.name: " + quoted(meta.getName()) + " is not a valid name: " + SUBDOMAIN_RULE);
        }
        if (!isEmpty(meta.getGenerateName()) && !isPrefix(meta.getGenerateName())) {
            problems.add("code.metadata.generate_name: " + quoted(meta.getGenerateName())
                    + " is not a valid name prefix: " + SUBDOMAIN_RULE + "; Kubernetes adds " + RANDOM_SUFFIX
                    + " random characters to it");
        }
    }

    /** The length of the name Kubernetes generates from {@code prefix}. */
    static int generatedLength(String prefix) {
        return Math.min(prefix.length(), GENERATED_PREFIX) + RANDOM_SUFFIX;
    }

    static boolean isSubdomain(String name) {
        return name.length() <= MAX_NAME && KubernetesNames.hasSubdomainSyntax(name);
    }

    /**
     * A generateName as the API server checks it: the prefix itself (a trailing {@code -} allowed) and the name it
     * generates must be DNS-1123 subdomains.
     */
    static boolean isPrefix(String prefix) {
        String masked = prefix.length() > 1 && prefix.endsWith("-")
                ? prefix.substring(0, prefix.length() - 2) + "a" : prefix;
        String generated = prefix.substring(0, Math.min(prefix.length(), GENERATED_PREFIX)) + "bcdfg";
        return isSubdomain(masked) && isSubdomain(generated);
    }

    // --- metadata

    private static void metadata(String path, ObjectMeta meta, boolean created, List<String> problems) {
        if (meta == null) {
            return;
        }
        if (created && !isEmpty(meta.getResourceVersion())) {
            problems.add(path + ".resource_version: may not be set on an object to create (Kubernetes sets it)");
        }
        labels(path + ".labels", meta.getLabels(), problems);
        annotations(path + ".annotations", meta.getAnnotations(), problems);
    }

    private static void labels(String path, Map<String, String> labels, List<String> problems) {
        if (labels == null) {
            return;
        }
        labels.forEach((key, value) -> {
            String where = path + key(key);
            String keyProblem = qualifiedNameProblem(key);
            if (keyProblem != null) {
                problems.add(where + ": " + quoted(key) + " is not a valid label key: " + keyProblem);
            } else if (value.length() > MAX_LABEL_VALUE || !KubernetesNames.hasLabelValueSyntax(value)) {
                problems.add(where + ": " + quoted(value) + " is not a valid label value: at most " + MAX_LABEL_VALUE
                        + " characters, letters, digits, '-', '_' and '.', starting and ending with a letter or digit"
                        + " (or empty)");
            }
        });
    }

    private static void annotations(String path, Map<String, String> annotations, List<String> problems) {
        if (annotations == null) {
            return;
        }
        long bytes = 0;
        for (Map.Entry<String, String> e : annotations.entrySet()) {
            String keyProblem = qualifiedNameProblem(e.getKey());
            if (keyProblem != null) {
                problems.add(path + key(e.getKey()) + ": " + quoted(e.getKey()) + " is not a valid annotation key: "
                        + keyProblem);
            }
            bytes += e.getKey().getBytes(StandardCharsets.UTF_8).length
                    + e.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        if (bytes > MAX_ANNOTATIONS_BYTES) {
            problems.add(path + ": " + bytes + " bytes, Kubernetes allows at most " + MAX_ANNOTATIONS_BYTES);
        }
    }

    /** Why {@code key} is not a qualified name ({@code [prefix/]name}), or {@code null}. */
    static String qualifiedNameProblem(String key) {
        String rule = "an optional DNS-1123 subdomain and '/', then a name of at most 63 characters: letters,"
                + " digits, '-', '_' and '.', starting and ending with a letter or digit";
        int slash = key.indexOf('/');
        String prefix = slash < 0 ? null : key.substring(0, slash);
        String name = slash < 0 ? key : key.substring(slash + 1);
        if (prefix != null && (prefix.isEmpty() || !isSubdomain(prefix))) {
            return rule;
        }
        if (name.isEmpty() || name.length() > 63 || !KubernetesNames.hasQualifiedNamePartSyntax(name)) {
            return rule;
        }
        return null;
    }

    // --- containers

    /** Checks the env of {@code containers}; returns the bytes of their literal values. */
    private static long containers(String path, List<Container> containers, List<String> problems) {
        if (containers == null) {
            return 0;
        }
        long bytes = 0;
        for (int i = 0; i < containers.size(); i++) {
            List<EnvVar> env = containers.get(i).getEnv();
            if (env == null) {
                continue;
            }
            for (int j = 0; j < env.size(); j++) {
                EnvVar e = env.get(j);
                String where = path + "[" + i + "].env[" + j + "]";
                envName(where + ".name", e.getName(), problems);
                if (!isEmpty(e.getValue()) && e.getValueFrom() != null) {
                    problems.add(where + ": value and value_from may not both be set");
                }
                if (e.getValue() != null) {
                    bytes += e.getValue().getBytes(StandardCharsets.UTF_8).length;
                }
            }
        }
        return bytes;
    }

    private static void envName(String path, String name, List<String> problems) {
        if (isEmpty(name)) {
            problems.add(path + ": required: every environment variable needs a name");
        } else if (name.indexOf('=') >= 0) {
            problems.add(path + ": " + quoted(name) + " is not a valid environment variable name: it may not"
                    + " contain '='");
        } else if (!name.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7F)) {
            problems.add(path + ": " + quoted(name) + " is not a valid environment variable name: printable ASCII"
                    + " characters only");
        }
    }

    // --- code

    private static void code(ConfigMap code, List<String> problems) {
        Map<String, String> binary = code.getBinaryData() == null ? Map.of() : code.getBinaryData();
        Map<String, String> data = code.getData() == null ? Map.of() : code.getData();
        binary.forEach((key, value) -> {
            configKey("code.binary_data" + key(key), key, problems);
            if (!isBase64(value)) {
                problems.add("code.binary_data" + key(key) + ": not base64");
            }
        });
        data.forEach((key, value) -> {
            configKey("code.data" + key(key), key, problems);
            if (binary.containsKey(key)) {
                problems.add("code.data" + key(key) + ": the key is in binary_data too");
            }
        });
        if (!binary.containsKey("code") && !data.containsKey("code")) {
            problems.add("code.binary_data.code: required: the zip of the code (base64), which the job unzips into"
                    + " /code");
        }
    }

    private static void configKey(String path, String key, List<String> problems) {
        if (key.length() > MAX_NAME || !CONFIG_KEY.matcher(key).matches() || key.equals(".") || key.startsWith("..")) {
            problems.add(path + ": " + quoted(key) + " is not a valid key: at most " + MAX_NAME + " letters, digits,"
                    + " '-', '_' and '.', not '.' and not starting with '..'");
        }
    }

    private static boolean isBase64(String value) {
        try {
            Base64.getDecoder().decode(value.replace("\r", "").replace("\n", ""));
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    // --- how paths and values are shown

    private static String key(String key) {
        return PLAIN_KEY.matcher(key).matches() ? "." + key : "[\"" + printable(key) + "\"]";
    }

    private static String quoted(String value) {
        return "\"" + printable(value) + "\"";
    }

    private static String printable(String s) {
        String shown = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }

    private static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }
}
