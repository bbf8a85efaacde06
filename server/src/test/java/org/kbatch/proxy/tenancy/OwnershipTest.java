package org.kbatch.proxy.tenancy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.kbatch.proxy.kube.Scope;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class OwnershipTest {

    private static final String KEY = "kbatch.jupyter.org/username";

    @Test
    void inTheirOwnNamespaceEverythingIsTheCallers() {
        assertThat(Ownership.owns(Scope.own("kbatch-alice"), null), is(true));
        assertThat(Ownership.owns(Scope.own("kbatch-alice"), Map.of(KEY, "bob")), is(true));
    }

    @Test
    void inASharedNamespaceOnlyWhatCarriesTheirUsernameLabel() {
        Scope alice = Scope.shared("jobs", "alice");

        assertThat(Ownership.owns(alice, Map.of(KEY, "alice")), is(true));
        assertThat(Ownership.owns(alice, Map.of(KEY, "bob")), is(false));
        assertThat(Ownership.owns(alice, Map.of("team", "alice")), is(false));
        assertThat(Ownership.owns(alice, null), is(false));
    }
}
