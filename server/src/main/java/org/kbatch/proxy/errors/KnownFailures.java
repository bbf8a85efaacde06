package org.kbatch.proxy.errors;

/**
 * Maps failures of the parts we call (the wire codec, the Kubernetes client, wrapped causes) to API errors.
 * Returns {@code null} for anything unexpected, which becomes a logged 500.
 */
final class KnownFailures {

    private KnownFailures() {
    }

    static ApiException map(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ApiException api) {
                return api;
            }
        }
        return null;
    }
}
