package org.kbatch.proxy.caller;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

class CallerTest {

    @Test
    void neverPrintsTheToken() {
        Caller caller = new Caller("alice", "s3cr3t-token", new Placement("kbatch-alice", false, true));

        assertThat(caller.toString(), not(containsString("s3cr3t-token")));
        assertThat(caller.toString(), is("Caller[username=alice, namespace=kbatch-alice, token=***]"));
        assertThat(new Caller("bob", null, new Placement("shared", true, false)).toString(),
                is("Caller[username=bob, namespace=shared, token=none]"));
    }
}
