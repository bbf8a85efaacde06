package org.kbatch.proxy.e2e;

/**
 * The kbatch CLIs that users have, and what each one offers, as read from its source
 * ({@code ../shared/clients/kbatch-<version>/kbatch/cli.py} and {@code _core.py}; 0.5.0a1 is {@code ../shared/clients/kbatch}).
 * The end-to-end test runs what a version has and checks that the CLI itself refuses what it has not.
 */
enum CliVersion {

    /** job configure/show/list/submit/logs and profiles; no {@code -o} on submit, no {@code --stream}, no pods, no delete. */
    V0_2_14("0.2.14", false, true, false, false, false, Lists.JSON, Errors.TRACEBACK),
    /** Adds {@code job delete}, {@code pod list} and {@code pod logs} (which calls {@code jobs/logs/POD/}); no {@code job logs}. */
    V0_3_2("0.3.2", true, false, true, true, false, Lists.JSON, Errors.TRACEBACK),
    /** Adds {@code cronjob}; logs an HTTP error's body before the traceback; {@code job submit -p} crashes in the CLI. */
    V0_4_2("0.4.2", true, false, true, true, true, Lists.JSON, Errors.LOGGED_BODY_AND_TRACEBACK),
    /** Adds {@code job logs} (with {@code --stream}); {@code pod logs} calls {@code pods/logs/POD/}; tables by default. */
    V0_5_0A1("0.5.0a1", true, true, true, true, true, Lists.TABLE, Errors.ONE_LINE);

    /** What {@code job list}, {@code pod list} and {@code cronjob list} print without {@code -o}. */
    enum Lists { JSON, TABLE }

    /** How the CLI shows an HTTP error answer (it exits 1 in every version). */
    enum Errors {
        /** A Python traceback naming the status ({@code 404 Not Found}); the body's detail is not shown. */
        TRACEBACK,
        /** The body ({@code {'detail': ...}}) logged, then the traceback. */
        LOGGED_BODY_AND_TRACEBACK,
        /** {@code kbatch-proxy error <status>: <detail>} on standard error. */
        ONE_LINE
    }

    final String version;
    /** {@code job submit -o json|name}; 0.2.14 always prints the JSON. */
    final boolean submitOutputOption;
    final boolean jobLogs;
    final boolean jobDelete;
    final boolean pods;
    final boolean cronJobs;
    final Lists listDefault;
    final Errors errors;

    CliVersion(String version, boolean submitOutputOption, boolean jobLogs, boolean jobDelete, boolean pods,
               boolean cronJobs, Lists listDefault, Errors errors) {
        this.version = version;
        this.submitOutputOption = submitOutputOption;
        this.jobLogs = jobLogs;
        this.jobDelete = jobDelete;
        this.pods = pods;
        this.cronJobs = cronJobs;
        this.listDefault = listDefault;
        this.errors = errors;
    }

    /** {@code job logs --stream}: only 0.5 has it (0.2.14's {@code job logs} takes no {@code --stream}). */
    boolean jobLogsStream() {
        return this == V0_5_0A1;
    }

    /**
     * {@code job submit -p PROFILE} works: 0.4.2 fetches the profile, drops it and hands the profile's name on where
     * the profile belongs, so it crashes ({@code AttributeError: 'str' object has no attribute 'get'}) before it
     * sends anything, whatever the server (0.5 fixed it: {@code _prep_job_data} returns the profile).
     */
    boolean submitWithProfileWorks() {
        return this != V0_4_2;
    }
}
