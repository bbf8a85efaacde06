package org.kbatch.proxy.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PythonNamesTest {

    @ParameterizedTest
    @CsvSource({
            "apiVersion, api_version",
            "generateName, generate_name",
            "ttlSecondsAfterFinished, ttl_seconds_after_finished",
            "podIPs, pod_i_ps",
            "hostIPs, host_i_ps",
            "podIP, pod_ip",
            "hostIP, host_ip",
            "hostIPC, host_ipc",
            "hostPID, host_pid",
            "fsGroup, fs_group",
            "setHostnameAsFQDN, set_hostname_as_fqdn",
            "seLinuxOptions, se_linux_options",
            "requiredDuringSchedulingIgnoredDuringExecution, required_during_scheduling_ignored_during_execution",
            "continue, _continue",
            "exec, _exec",
            "from, _from",
            "except, _except",
            "kind, kind",
            "type, type",
    })
    void namesAsThePythonClientSpellsThem(String kubernetes, String python) {
        assertEquals(python, PythonNames.of(kubernetes));
    }
}
