package org.kbatch.proxy.naming;

import java.util.regex.Pattern;

/**
 * The name syntaxes the Kubernetes API server validates, in one place: object names (DNS-1123 subdomains),
 * namespace and container names (DNS-1123 labels), label values and the name part of label and annotation keys.
 * Length limits that depend on the use (a prefix, a generated suffix) stay with the caller.
 */
public final class KubernetesNames {

    /** The longest DNS-1123 subdomain, e.g. an object name. */
    public static final int MAX_SUBDOMAIN = 253;

    private static final Pattern DNS_1123_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern DNS_1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern QUALIFIED_NAME_PART = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");

    private KubernetesNames() {
    }

    /** Lower-case letters, digits, '-' and '.', each dot-separated part starting and ending alphanumeric (any length). */
    public static boolean hasSubdomainSyntax(String name) {
        return DNS_1123_SUBDOMAIN.matcher(name).matches();
    }

    /** A DNS-1123 label: at most 63 lower-case letters, digits and '-', starting and ending alphanumeric. */
    public static boolean isDnsLabel(String name) {
        return DNS_1123_LABEL.matcher(name).matches();
    }

    /** The syntax of a label or annotation key's name part (its length limit is the caller's). */
    public static boolean hasQualifiedNamePartSyntax(String name) {
        return QUALIFIED_NAME_PART.matcher(name).matches();
    }

    /** The syntax of a label value, which may be empty (its length limit is the caller's). */
    public static boolean hasLabelValueSyntax(String value) {
        return LABEL_VALUE.matcher(value).matches();
    }
}
