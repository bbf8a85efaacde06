package org.kbatch.proxy.e2e;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each CLI version did with each command in the end-to-end test, as a Markdown table: the README's compatibility
 * table is this table, as last observed.
 */
final class CompatibilityTable {

    /** The commands a user types, in the README's order. */
    enum Row {
        CONFIGURE("`configure`"),
        PROFILES("`profiles`"),
        JOB_SUBMIT("`job submit --code --env`"),
        JOB_SUBMIT_PROFILE("`job submit --profile`"),
        JOB_LIST_JSON("`job list -o json`"),
        JOB_LIST_TABLE("`job list -o table`"),
        JOB_SHOW("`job show`"),
        JOB_LOGS("`job logs`"),
        JOB_LOGS_STREAM("`job logs --stream`"),
        JOB_DELETE("`job delete`"),
        POD_LIST_JSON("`pod list --job-name -o json`"),
        POD_LIST_TABLE("`pod list -o table`"),
        POD_LIST_NAME("`pod list -o name`"),
        POD_LOGS("`pod logs`"),
        POD_LOGS_STREAM("`pod logs --stream`"),
        CRONJOB_SUBMIT("`cronjob submit --code`"),
        CRONJOB_LIST_JSON("`cronjob list -o json`"),
        CRONJOB_LIST_TABLE("`cronjob list -o table`"),
        CRONJOB_SHOW("`cronjob show`"),
        CRONJOB_DELETE("`cronjob delete`"),
        ERRORS("an error answer (unknown job, bad token)");

        final String command;

        Row(String command) {
            this.command = command;
        }
    }

    /** A cell of a command the version does not have (the CLI says so itself: exit 2, {@code No such command}). */
    static final String ABSENT = "—";
    static final String FAILED = "**FAILED**";

    private final Map<CliVersion, Map<Row, String>> cells = new ConcurrentHashMap<>();

    void put(CliVersion version, Row row, String cell) {
        cells.computeIfAbsent(version, v -> new EnumMap<>(Row.class)).put(row, cell);
    }

    /** The table; a command that was not tried for a version (an earlier failure stopped it) shows {@code ?}. */
    String markdown() {
        StringBuilder out = new StringBuilder("| command |");
        for (CliVersion version : CliVersion.values()) {
            out.append(' ').append(version.version).append(" |");
        }
        out.append("\n| --- |");
        out.append(" --- |".repeat(CliVersion.values().length));
        out.append('\n');
        for (Row row : Row.values()) {
            out.append("| ").append(row.command).append(" |");
            for (CliVersion version : CliVersion.values()) {
                out.append(' ').append(cells.getOrDefault(version, Map.of()).getOrDefault(row, "?")).append(" |");
            }
            out.append('\n');
        }
        return out.toString();
    }

    static final String BEGIN = "<!-- cli-compatibility: begin (KbatchCliEndToEndTest writes this table) -->";
    static final String END = "<!-- cli-compatibility: end -->";

    /** The table between the markers of a README, or {@code null} when it has none. */
    static String section(String readme) {
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        if (begin < 0 || end < begin) {
            return null;
        }
        return readme.substring(begin + BEGIN.length(), end).strip() + "\n";
    }
}
