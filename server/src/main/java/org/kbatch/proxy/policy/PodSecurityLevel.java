package org.kbatch.proxy.policy;

import java.util.Locale;

/**
 * The Kubernetes Pod Security Standards level the proxy enforces on submitted pods ({@code KBATCH_POD_SECURITY}),
 * and labels the namespaces it creates with, so the cluster's Pod Security Admission enforces it too.
 */
public enum PodSecurityLevel {
    /** No checks. */
    PRIVILEGED,
    /** Blocks known privilege escalations: privileged containers, host namespaces, hostPath, added capabilities... */
    BASELINE,
    /** Baseline plus hardening: non-root, no privilege escalation, capabilities dropped, seccomp, safe volume types. */
    RESTRICTED;

    /** The value of the {@code pod-security.kubernetes.io/enforce} label. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code privileged}, {@code baseline} or {@code restricted} (any case); {@code null} if it is none. */
    public static PodSecurityLevel parse(String value) {
        for (PodSecurityLevel level : values()) {
            if (level.label().equalsIgnoreCase(value.strip())) {
                return level;
            }
        }
        return null;
    }
}
