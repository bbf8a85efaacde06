package org.kbatch.proxy.errors;

/**
 * A submission the operator's rules refuse: besides the status and detail, the rule that refused it (counted as
 * {@code kbatch_refusals_total{rule=...}} and written to the audit log) and, for a limit that frees up by itself, how
 * long the caller should wait before trying again ({@code Retry-After}).
 *
 * @see org.kbatch.proxy.errors.ApiException
 */
public final class Refusal extends ApiException {

    private final String rule;
    private final long retryAfterSeconds;

    /**
     * @param rule              the setting's name as operators write it in {@code KBATCH_GROUP_POLICIES}, e.g.
     *                          {@code max_active_jobs}
     * @param retryAfterSeconds the {@code Retry-After}, or 0 for none
     */
    public Refusal(int status, String rule, String detail, long retryAfterSeconds) {
        super(status, detail);
        this.rule = rule;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Refusal(int status, String rule, String detail) {
        this(status, rule, detail, 0);
    }

    public String rule() {
        return rule;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
