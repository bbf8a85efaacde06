package org.kbatch.proxy.logging;

import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

class JsonLogFormatterTest {

    @Test
    void oneJsonObjectPerLine() {
        LogRecord record = new LogRecord(Level.WARNING, "Rollback could not delete {0}");
        record.setParameters(new Object[] {"Secret x"});
        record.setLoggerName("org.kbatch.proxy.submit.Submitter");
        record.setThrown(new IllegalStateException("boom"));
        String text = new JsonLogFormatter().format(record);
        assertThat(text.endsWith(System.lineSeparator()), is(true));
        assertThat(text.strip().contains("\n"), is(false));
        JsonNode line = JsonMapper.builder().build().readTree(text);
        assertThat(line.path("level").asString(), is("WARNING"));
        assertThat(line.path("logger").asString(), is("org.kbatch.proxy.submit.Submitter"));
        assertThat(line.path("message").asString(), is("Rollback could not delete Secret x"));
        assertThat(line.path("error").asString(), containsString("IllegalStateException: boom"));
    }
}
