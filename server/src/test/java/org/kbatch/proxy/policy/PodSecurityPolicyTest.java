package org.kbatch.proxy.policy;

import java.util.List;

import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kbatch.proxy.errors.ApiException;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PodSecurityPolicyTest {

    private static final KubernetesSerialization K8S = new KubernetesSerialization();
    private static final PodSecurityPolicy BASELINE = new PodSecurityPolicy(PodSecurityLevel.BASELINE, false);
    private static final PodSecurityPolicy RESTRICTED = new PodSecurityPolicy(PodSecurityLevel.RESTRICTED, false);
    private static final PodSecurityPolicy PRIVILEGED = new PodSecurityPolicy(PodSecurityLevel.PRIVILEGED, false);

    /** A job whose pod spec is {@code podSpec} (JSON, camelCase, without the braces' outer key). */
    private static Job job(String podSpec) {
        return K8S.unmarshal("{\"apiVersion\": \"batch/v1\", \"kind\": \"Job\", \"metadata\": {\"generateName\": \"j-\"},"
                + " \"spec\": {\"template\": {\"spec\": " + podSpec + "}}}", Job.class);
    }

    private static final String PLAIN = "{\"containers\": [{\"name\": \"job\", \"image\": \"busybox\"}], \"restartPolicy\": \"Never\"}";

    @Test
    void anOrdinaryCliJobPassesBaseline() {
        assertThat(BASELINE.violations(job(PLAIN)), empty());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "privileged container | {\"containers\": [{\"name\": \"c\", \"securityContext\": {\"privileged\": true}}]} | job.spec.template.spec.containers[0].security_context.privileged",
        "privileged init container | {\"containers\": [{\"name\": \"c\"}], \"initContainers\": [{\"name\": \"i\", \"securityContext\": {\"privileged\": true}}]} | job.spec.template.spec.init_containers[0].security_context.privileged",
        "hostPath of / | {\"containers\": [{\"name\": \"c\"}], \"volumes\": [{\"name\": \"root\", \"hostPath\": {\"path\": \"/\"}}]} | job.spec.template.spec.volumes[0].host_path",
        "hostNetwork | {\"containers\": [{\"name\": \"c\"}], \"hostNetwork\": true} | job.spec.template.spec.host_network",
        "hostPID | {\"containers\": [{\"name\": \"c\"}], \"hostPID\": true} | job.spec.template.spec.host_pid",
        "hostIPC | {\"containers\": [{\"name\": \"c\"}], \"hostIPC\": true} | job.spec.template.spec.host_ipc",
        "hostPort | {\"containers\": [{\"name\": \"c\", \"ports\": [{\"containerPort\": 80, \"hostPort\": 80}]}]} | job.spec.template.spec.containers[0].ports",
        "SYS_ADMIN | {\"containers\": [{\"name\": \"c\", \"securityContext\": {\"capabilities\": {\"add\": [\"SYS_ADMIN\"]}}}]} | job.spec.template.spec.containers[0].security_context.capabilities.add",
        "procMount | {\"containers\": [{\"name\": \"c\", \"securityContext\": {\"procMount\": \"Unmasked\"}}]} | job.spec.template.spec.containers[0].security_context.proc_mount",
        "unsafe sysctl | {\"containers\": [{\"name\": \"c\"}], \"securityContext\": {\"sysctls\": [{\"name\": \"kernel.msgmax\", \"value\": \"1\"}]}} | job.spec.template.spec.security_context.sysctls[0]",
        "seccomp Unconfined | {\"containers\": [{\"name\": \"c\", \"securityContext\": {\"seccompProfile\": {\"type\": \"Unconfined\"}}}]} | job.spec.template.spec.containers[0].security_context.seccomp_profile.type",
        "SELinux user | {\"containers\": [{\"name\": \"c\"}], \"securityContext\": {\"seLinuxOptions\": {\"user\": \"system_u\"}}} | job.spec.template.spec.security_context.se_linux_options.user",
        "SELinux type | {\"containers\": [{\"name\": \"c\", \"securityContext\": {\"seLinuxOptions\": {\"type\": \"spc_t\"}}}]} | job.spec.template.spec.containers[0].security_context.se_linux_options.type",
        "Windows hostProcess | {\"containers\": [{\"name\": \"c\"}], \"securityContext\": {\"windowsOptions\": {\"hostProcess\": true}}} | job.spec.template.spec.security_context.windows_options.host_process",
        "service account | {\"containers\": [{\"name\": \"c\"}], \"serviceAccountName\": \"admin\"} | job.spec.template.spec.service_account_name",
        "token automount | {\"containers\": [{\"name\": \"c\"}], \"automountServiceAccountToken\": true} | job.spec.template.spec.automount_service_account_token",
    })
    void baselineRejectsWithThePathAndTheRule(String rule, String podSpec, String path) {
        ApiException e = assertThrows(ApiException.class, () -> BASELINE.check(job(podSpec)));
        assertThat(e.status(), is(422));
        assertThat(e.detail(), startsWith("The job violates the pod security policy (baseline): " + path + ":"));
    }

    @Test
    void baselineAllowsTheBaselineCapabilitiesAndSafeSysctls() {
        assertThat(BASELINE.violations(job("{\"containers\": [{\"name\": \"c\", \"securityContext\": {\"capabilities\":"
                + " {\"add\": [\"NET_BIND_SERVICE\", \"CHOWN\"]}}}], \"securityContext\": {\"sysctls\":"
                + " [{\"name\": \"net.ipv4.tcp_syncookies\", \"value\": \"1\"}]}}")), empty());
    }

    @Test
    void everyViolationIsNamedAtOnce() {
        List<String> v = BASELINE.violations(job("{\"hostNetwork\": true, \"containers\": [{\"name\": \"c\","
                + " \"securityContext\": {\"privileged\": true}}], \"volumes\": [{\"name\": \"r\", \"hostPath\": {\"path\": \"/\"}}]}"));
        assertThat(v.size(), is(3));
    }

    @Test
    void privilegedLevelChecksNothingButServiceAccounts() {
        assertThat(PRIVILEGED.violations(job("{\"hostNetwork\": true, \"containers\": [{\"name\": \"c\","
                + " \"securityContext\": {\"privileged\": true}}]}")), empty());
        assertThat(PRIVILEGED.violations(job("{\"containers\": [{\"name\": \"c\"}], \"serviceAccountName\": \"x\"}")).size(),
                is(1));
        assertThat(new PodSecurityPolicy(PodSecurityLevel.PRIVILEGED, true)
                .violations(job("{\"containers\": [{\"name\": \"c\"}], \"serviceAccountName\": \"x\"}")), empty());
    }

    @Test
    void restrictedFillsInWhatTheCliCannotSetAndThenPasses() {
        Job plain = job(PLAIN);
        Job withInit = job("{\"containers\": [{\"name\": \"job\"}], \"initContainers\": [{\"name\": \"unzip\"}]}");
        assertThat(RESTRICTED.violations(withInit), not(empty()));
        Job defaulted = RESTRICTED.withDefaults(withInit);
        assertThat(RESTRICTED.violations(defaulted), empty());
        var container = defaulted.getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation(), is(false));
        assertThat(container.getSecurityContext().getCapabilities().getDrop(), contains("ALL"));
        assertThat(defaulted.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot(), is(true));
        // the input is left as it was
        assertThat(withInit.getSpec().getTemplate().getSpec().getSecurityContext(), is((Object) null));
        assertThat(RESTRICTED.violations(RESTRICTED.withDefaults(plain)), empty());
    }

    @Test
    void restrictedRejectsWhatTheUserSetExplicitly() {
        Job rooted = RESTRICTED.withDefaults(job("{\"containers\": [{\"name\": \"c\", \"securityContext\":"
                + " {\"runAsUser\": 0, \"allowPrivilegeEscalation\": true, \"capabilities\": {\"add\": [\"CHOWN\"]}}}],"
                + " \"volumes\": [{\"name\": \"n\", \"nfs\": {\"server\": \"s\", \"path\": \"/\"}}]}"));
        List<String> v = RESTRICTED.violations(rooted);
        assertThat(v, hasItem(containsString("containers[0].security_context.run_as_user")));
        assertThat(v, hasItem(containsString("containers[0].security_context.allow_privilege_escalation")));
        assertThat(v, hasItem(containsString("capabilities.add: only NET_BIND_SERVICE")));
        assertThat(v, hasItem(containsString("volumes[0]: only configMap")));
    }

    @Test
    void cronJobsAreCheckedOnTheirJobTemplate() {
        CronJob cron = K8S.unmarshal("{\"apiVersion\": \"batch/v1\", \"kind\": \"CronJob\", \"spec\": {\"schedule\": \"* * * * *\","
                + " \"jobTemplate\": {\"spec\": {\"template\": {\"spec\": {\"containers\": [{\"name\": \"c\","
                + " \"securityContext\": {\"privileged\": true}}]}}}}}}", CronJob.class);
        assertThat(BASELINE.violations(cron), contains(startsWith(
                "job.spec.job_template.spec.template.spec.containers[0].security_context.privileged")));
        assertThat(RESTRICTED.violations(RESTRICTED.withDefaults(cron)).size(), is(1));
    }

    @Test
    void levelsParseLikeTheNamespaceLabel() {
        assertThat(PodSecurityLevel.parse("Restricted"), is(PodSecurityLevel.RESTRICTED));
        assertThat(PodSecurityLevel.BASELINE.label(), is("baseline"));
        assertThat(PodSecurityLevel.parse("strict"), is((Object) null));
    }
}
