package org.kbatch.proxy.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.helidon.config.Config;
import org.kbatch.proxy.policy.GroupPolicies;
import org.kbatch.proxy.policy.PodSecurityLevel;
import org.kbatch.proxy.naming.KubernetesNames;
import org.kbatch.proxy.render.Placeholders;
import org.kbatch.proxy.render.RenderSettings;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Everything the proxy is configured with, read once at startup from Helidon Config under the Python reference's
 * environment variable names. Invalid values stop startup with a {@link ConfigException} naming the variable.
 *
 * @param host                     interface to listen on ({@code KBATCH_HOST}, default {@code 0.0.0.0})
 * @param port                     port to listen on ({@code KBATCH_PORT}, default 8080; 0 picks a free port)
 * @param hubApiUrl                {@code JUPYTERHUB_API_URL}, e.g. {@code http://hub:8081/hub/api}
 * @param serviceName              {@code JUPYTERHUB_SERVICE_NAME}, default {@code kbatch}
 * @param accessScopes             {@code JUPYTERHUB_OAUTH_ACCESS_SCOPES} (JSON list); default
 *                                 {@code ["access:services!service=<serviceName>"]}
 * @param prefix                   {@code KBATCH_PREFIX}, else {@code JUPYTERHUB_SERVICE_PREFIX}; no trailing slash,
 *                                 empty for none
 * @param profiles                 {@code KBATCH_PROFILE_FILE} (YAML) as a JSON tree; an empty object when unset
 * @param jobTemplate              {@code KBATCH_JOB_TEMPLATE_FILE} (YAML) as a map; {@code null} when unset
 * @param jobExtraEnv              {@code KBATCH_JOB_EXTRA_ENV} (a JSON object of strings), in its order
 * @param ttlSecondsAfterFinished  {@code KBATCH_JOB_TTL_SECONDS_AFTER_FINISHED}, default 3600
 * @param createUserNamespace      {@code KBATCH_CREATE_USER_NAMESPACE}, default true
 * @param maxPayloadBytes          {@code KBATCH_MAX_REQUEST_BYTES}, default 1 MiB
 * @param podSecurity              {@code KBATCH_POD_SECURITY}: {@code baseline} (default), {@code restricted} or
 *                                 {@code privileged}
 * @param allowServiceAccounts     {@code KBATCH_ALLOW_SERVICE_ACCOUNTS}, default false: whether job pods may name a
 *                                 service account other than {@code default} or mount its token
 * @param kubernetesTimeoutSeconds {@code KBATCH_KUBERNETES_TIMEOUT_SECONDS}, default 30: how long one Kubernetes call
 *                                 may take before the user gets a 504
 * @param jobNamespace             {@code KBATCH_JOB_NAMESPACE}: one namespace for every user's jobs; {@code null} for
 *                                 per-user namespaces
 * @param namespaceByGroup         {@code KBATCH_NAMESPACE_BY_GROUP}: JSON object, JupyterHub group → namespace
 * @param denyWithoutGroup         {@code KBATCH_NAMESPACE_BY_GROUP_FALLBACK=deny}: users in no such group get a 403
 *                                 (default {@code user}: their own namespace, or {@code KBATCH_JOB_NAMESPACE})
 * @param userResourceQuota        {@code KBATCH_USER_RESOURCE_QUOTA_FILE} (YAML ResourceQuota) or {@code null}
 * @param userLimitRange           {@code KBATCH_USER_LIMIT_RANGE_FILE} (YAML LimitRange) or {@code null}
 * @param deleteEmptyNamespacesAfter {@code KBATCH_DELETE_EMPTY_NAMESPACES_AFTER} (seconds, or e.g. {@code 30m},
 *                                 {@code 24h}, {@code 7d}): remove namespaces the proxy created once they have held no
 *                                 job that long; {@code null} (default) never
 * @param initContainerImage       {@code KBATCH_INIT_CONTAINER_IMAGE}, default {@code busybox:1.36}: the image of the
 *                                 init container that unzips submitted code (pulled {@code IfNotPresent}); any image
 *                                 with {@code sh} and {@code unzip}, e.g. a mirror for air-gapped clusters
 * @param maxCodeBytes             {@code KBATCH_MAX_CODE_BYTES}, default 8 MiB: the largest code archive (the zip) a
 *                                 submission may carry; over 1 MB it is spread over several ConfigMaps
 * @param jsonLogs                 {@code KBATCH_LOG_FORMAT}: {@code text} (default) or {@code json}, one JSON object
 *                                 per log line
 * @param policies                 the operator's rules: {@code KBATCH_ALLOWED_IMAGES}, {@code KBATCH_MAX_ACTIVE_JOBS},
 *                                 {@code KBATCH_MAX_CRONJOBS}, {@code KBATCH_MAX_CONTAINER_RESOURCES},
 *                                 {@code KBATCH_DEFAULT_CONTAINER_RESOURCES},
 *                                 {@code KBATCH_DEFAULT_ACTIVE_DEADLINE_SECONDS},
 *                                 {@code KBATCH_MAX_ACTIVE_DEADLINE_SECONDS}, and per group
 *                                 {@code KBATCH_GROUP_POLICIES} (read by {@code OperatorPolicies})
 */
public record ProxyConfig(String host,
                          int port,
                          String hubApiUrl,
                          String serviceName,
                          List<String> accessScopes,
                          String prefix,
                          JsonNode profiles,
                          Map<String, Object> jobTemplate,
                          Map<String, String> jobExtraEnv,
                          long ttlSecondsAfterFinished,
                          boolean createUserNamespace,
                          long maxPayloadBytes,
                          PodSecurityLevel podSecurity,
                          boolean allowServiceAccounts,
                          long kubernetesTimeoutSeconds,
                          String jobNamespace,
                          Map<String, String> namespaceByGroup,
                          boolean denyWithoutGroup,
                          Map<String, Object> userResourceQuota,
                          Map<String, Object> userLimitRange,
                          java.time.Duration deleteEmptyNamespacesAfter,
                          String initContainerImage,
                          long maxCodeBytes,
                          boolean jsonLogs,
                          GroupPolicies policies) {

    /** {@code KBATCH_MAX_CODE_BYTES}'s default, 8 MiB, and its largest value, 256 MiB. */
    public static final long DEFAULT_MAX_CODE_BYTES = 8L * 1024 * 1024;
    public static final long MAX_CODE_BYTES = 256L * 1024 * 1024;

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final ObjectMapper YAML = YAMLMapper.builder().build();

    /** Reads and validates the configuration. */
    public static ProxyConfig from(Config config) {
        String serviceName = string(config, "JUPYTERHUB_SERVICE_NAME").orElse("kbatch");
        String prefix = string(config, "KBATCH_PREFIX")
                .or(() -> string(config, "JUPYTERHUB_SERVICE_PREFIX"))
                .map(ProxyConfig::normalisePrefix)
                .orElse("");
        ProxyConfig parsed = new ProxyConfig(
                listenerSetting(config, "KBATCH_HOST", "server.host").orElse("0.0.0.0"),
                listenerPort(config),
                string(config, "JUPYTERHUB_API_URL").map(u -> u.replaceAll("/+$", "")).orElse(null),
                serviceName,
                accessScopes(config, serviceName),
                prefix,
                profiles(config),
                jobTemplate(config),
                extraEnv(config),
                number(config, "KBATCH_JOB_TTL_SECONDS_AFTER_FINISHED", 3600, 0, Integer.MAX_VALUE),
                bool(config, "KBATCH_CREATE_USER_NAMESPACE", true),
                number(config, "KBATCH_MAX_REQUEST_BYTES", 1024 * 1024, 1024, Integer.MAX_VALUE),
                podSecurity(config),
                bool(config, "KBATCH_ALLOW_SERVICE_ACCOUNTS", false),
                number(config, "KBATCH_KUBERNETES_TIMEOUT_SECONDS", 30, 1, 3600),
                string(config, "KBATCH_JOB_NAMESPACE").map(ns -> dnsLabel("KBATCH_JOB_NAMESPACE", ns)).orElse(null),
                namespaceByGroup(config),
                fallback(config),
                yamlObject(config, "KBATCH_USER_RESOURCE_QUOTA_FILE", "ResourceQuota"),
                yamlObject(config, "KBATCH_USER_LIMIT_RANGE_FILE", "LimitRange"),
                string(config, "KBATCH_DELETE_EMPTY_NAMESPACES_AFTER")
                        .map(raw -> duration("KBATCH_DELETE_EMPTY_NAMESPACES_AFTER", raw)).orElse(null),
                imageReference(config, "KBATCH_INIT_CONTAINER_IMAGE", RenderSettings.DEFAULT_INIT_IMAGE),
                number(config, "KBATCH_MAX_CODE_BYTES", DEFAULT_MAX_CODE_BYTES, 1024, MAX_CODE_BYTES),
                jsonLogs(config),
                OperatorPolicies.from(config));
        requireKnownPlaceholders("KBATCH_JOB_TEMPLATE_FILE", parsed.jobTemplate());
        requireKnownPlaceholders("KBATCH_PROFILE_FILE", JSON.convertValue(parsed.profiles(), Object.class));
        requireKnownPlaceholders("KBATCH_JOB_EXTRA_ENV", List.copyOf(parsed.jobExtraEnv().values()));
        return parsed;
    }

    /** A lower-case name in braces that is no placeholder is a typo that would reach every job: stop at startup. */
    private static void requireKnownPlaceholders(String variable, Object tree) {
        List<String> unknown = Placeholders.unknown(tree);
        if (!unknown.isEmpty()) {
            throw new ConfigException(variable, "unknown placeholder " + String.join(", ", unknown)
                    + "; the placeholders are " + Placeholders.NAMES.stream().sorted().map(n -> "{" + n + "}")
                    .collect(java.util.stream.Collectors.joining(", ")));
        }
    }

    /** Fails unless a hub is configured: without one no token can be checked. */
    public ProxyConfig requireHub() {
        if (hubApiUrl == null) {
            throw new ConfigException("JUPYTERHUB_API_URL",
                    "not set; the proxy checks every token with the hub (or start the demo, kbatch-proxy-demo.jar)");
        }
        return this;
    }

    static Optional<String> string(Config config, String name) {
        return config.get(name).asString().asOptional().map(String::strip).filter(s -> !s.isEmpty());
    }

    /**
     * A listener setting under our name or Helidon's own ({@code server.host}/{@code server.port}, which Helidon
     * Config also reads as {@code -Dserver.port} or {@code SERVER_PORT}); when both are set they must agree.
     */
    private static Optional<String> listenerSetting(Config config, String ours, String helidons) {
        Optional<String> mine = string(config, ours);
        Optional<String> theirs = string(config, helidons);
        if (mine.isPresent() && theirs.isPresent() && !mine.get().equals(theirs.get())) {
            throw new ConfigException(ours, "is '" + mine.get() + "' but " + helidons + " is '" + theirs.get()
                    + "'; set one of them");
        }
        return mine.or(() -> theirs);
    }

    private static int listenerPort(Config config) {
        Optional<String> raw = listenerSetting(config, "KBATCH_PORT", "server.port");
        String name = string(config, "KBATCH_PORT").isPresent() ? "KBATCH_PORT" : "server.port";
        return raw.isEmpty() ? 8080 : (int) wholeNumber(name, raw.get(), 0, 65535);
    }

    private static String imageReference(Config config, String name, String defaultValue) {
        String image = string(config, name).orElse(defaultValue);
        if (image.chars().anyMatch(Character::isWhitespace)) {
            throw new ConfigException(name, "must be one image reference such as busybox:1.36, got '" + image + "'");
        }
        return image;
    }

    private static long number(Config config, String name, long defaultValue, long min, long max) {
        Optional<String> raw = string(config, name);
        return raw.isEmpty() ? defaultValue : wholeNumber(name, raw.get(), min, max);
    }

    static long wholeNumber(String name, String raw, long min, long max) {
        try {
            long value = Long.parseLong(raw);
            if (value < min || value > max) {
                throw new ConfigException(name, "must be between " + min + " and " + max + ", got " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ConfigException(name, "must be a whole number, got '" + raw + "'");
        }
    }

    /** Boolean spellings as pydantic reads them. */
    static boolean bool(Config config, String name, boolean defaultValue) {
        Optional<String> raw = string(config, name);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        return PydanticBoolean.parse(raw.get())
                .orElseThrow(() -> new ConfigException(name, "must be true or false, got '" + raw.get() + "'"));
    }

    private static String dnsLabel(String variable, String namespace) {
        if (!KubernetesNames.isDnsLabel(namespace)) {
            throw new ConfigException(variable, "'" + namespace + "' is not a valid namespace name");
        }
        return namespace;
    }

    private static Map<String, String> namespaceByGroup(Config config) {
        Map<String, String> byGroup = new LinkedHashMap<>();
        jsonObjectOfStrings(config, "KBATCH_NAMESPACE_BY_GROUP", "group -> namespace")
                .forEach((group, namespace) -> byGroup.put(group, dnsLabel("KBATCH_NAMESPACE_BY_GROUP", namespace)));
        return java.util.Collections.unmodifiableMap(byGroup);
    }

    /** A variable holding a JSON object whose values are strings (numbers and booleans are taken as text), in order. */
    private static Map<String, String> jsonObjectOfStrings(Config config, String variable, String shape) {
        Optional<String> raw = string(config, variable);
        if (raw.isEmpty()) {
            return Map.of();
        }
        JsonNode node;
        try {
            node = JSON.readTree(raw.get());
        } catch (JacksonException e) {
            throw new ConfigException(variable, "not valid JSON: " + e.getOriginalMessage());
        }
        if (!node.isObject()) {
            throw new ConfigException(variable, "must be a JSON object of " + shape);
        }
        Map<String, String> values = new LinkedHashMap<>();
        node.properties().forEach(e -> {
            JsonNode v = e.getValue();
            if (v.isContainer() || v.isNull()) {
                throw new ConfigException(variable, "the value of '" + e.getKey() + "' must be a string");
            }
            values.put(e.getKey(), v.asString());
        });
        return java.util.Collections.unmodifiableMap(values);
    }

    private static boolean fallback(Config config) {
        return string(config, "KBATCH_NAMESPACE_BY_GROUP_FALLBACK").map(raw -> switch (raw.toLowerCase(Locale.ROOT)) {
            case "user" -> false;
            case "deny" -> true;
            default -> throw new ConfigException("KBATCH_NAMESPACE_BY_GROUP_FALLBACK", "must be user or deny, got '" + raw + "'");
        }).orElse(false);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> yamlObject(Config config, String variable, String kind) {
        return string(config, variable).map(file -> {
            JsonNode node = readYaml(variable, file);
            if (!node.isObject() || !kind.equals(node.path("kind").asString(kind))) {
                throw new ConfigException(variable, file + " must hold a " + kind);
            }
            return (Map<String, Object>) JSON.convertValue(node, Map.class);
        }).orElse(null);
    }

    static java.time.Duration duration(String variable, String raw) {
        var m = java.util.regex.Pattern.compile("(\\d+)([smhd]?)").matcher(raw.strip());
        if (!m.matches()) {
            throw new ConfigException(variable, "must be a duration such as 3600, 30m, 24h or 7d, got '" + raw + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "m" -> java.time.Duration.ofMinutes(n);
            case "h" -> java.time.Duration.ofHours(n);
            case "d" -> java.time.Duration.ofDays(n);
            default -> java.time.Duration.ofSeconds(n);
        };
    }

    private static PodSecurityLevel podSecurity(Config config) {
        return string(config, "KBATCH_POD_SECURITY").map(raw -> {
            PodSecurityLevel level = PodSecurityLevel.parse(raw);
            if (level == null) {
                throw new ConfigException("KBATCH_POD_SECURITY",
                        "must be baseline, restricted or privileged, got '" + raw + "'");
            }
            return level;
        }).orElse(PodSecurityLevel.BASELINE);
    }

    private static boolean jsonLogs(Config config) {
        return string(config, "KBATCH_LOG_FORMAT").map(raw -> switch (raw.toLowerCase(Locale.ROOT)) {
            case "text" -> false;
            case "json" -> true;
            default -> throw new ConfigException("KBATCH_LOG_FORMAT", "must be text or json, got '" + raw + "'");
        }).orElse(false);
    }

    private static String normalisePrefix(String prefix) {
        String p = prefix.replaceAll("/+$", "");
        if (p.isEmpty()) {
            return "";
        }
        return p.startsWith("/") ? p : "/" + p;
    }

    private static List<String> accessScopes(Config config, String serviceName) {
        Optional<String> raw = string(config, "JUPYTERHUB_OAUTH_ACCESS_SCOPES");
        if (raw.isEmpty()) {
            return List.of("access:services!service=" + serviceName);
        }
        try {
            JsonNode node = JSON.readTree(raw.get());
            if (!node.isArray() || node.isEmpty()) {
                throw new ConfigException("JUPYTERHUB_OAUTH_ACCESS_SCOPES", "must be a non-empty JSON list of scopes");
            }
            return node.valueStream().map(n -> {
                if (!n.isString()) {
                    throw new ConfigException("JUPYTERHUB_OAUTH_ACCESS_SCOPES", "every scope must be a string");
                }
                return n.asString();
            }).toList();
        } catch (JacksonException e) {
            throw new ConfigException("JUPYTERHUB_OAUTH_ACCESS_SCOPES", "not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static Map<String, String> extraEnv(Config config) {
        return jsonObjectOfStrings(config, "KBATCH_JOB_EXTRA_ENV", "name -> value");
    }


    private static JsonNode profiles(Config config) {
        return string(config, "KBATCH_PROFILE_FILE")
                .map(file -> readYaml("KBATCH_PROFILE_FILE", file))
                .orElseGet(JSON::createObjectNode);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> jobTemplate(Config config) {
        return string(config, "KBATCH_JOB_TEMPLATE_FILE")
                .map(file -> {
                    JsonNode node = readYaml("KBATCH_JOB_TEMPLATE_FILE", file);
                    if (!node.isObject()) {
                        throw new ConfigException("KBATCH_JOB_TEMPLATE_FILE", file + " must hold a YAML mapping (a Job)");
                    }
                    return (Map<String, Object>) JSON.convertValue(node, Map.class);
                })
                .orElse(null);
    }

    private static JsonNode readYaml(String variable, String file) {
        Path path = Path.of(file);
        if (!Files.isRegularFile(path)) {
            throw new ConfigException(variable, "file not found: " + file);
        }
        try {
            JsonNode node = YAML.readTree(Files.readString(path));
            return node == null || node.isMissingNode() || node.isNull() ? JSON.createObjectNode() : node;
        } catch (IOException e) {
            throw new ConfigException(variable, "cannot read " + file + ": " + e.getMessage());
        } catch (JacksonException e) {
            throw new ConfigException(variable, "not valid YAML in " + file + ": " + e.getOriginalMessage());
        }
    }
}
