package org.kbatch.proxy.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SELinuxOptions;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Sysctl;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.WindowsSecurityContextOptions;
import org.kbatch.proxy.errors.ApiException;

/**
 * The Pod Security Standards (https://kubernetes.io/docs/concepts/security/pod-security-standards/) applied to the pod
 * template of a rendered Job or CronJob before any Kubernetes call, plus kbatch's own rules on service accounts.
 * <p>
 * Under {@code restricted}, fields the user left unset are first given their restricted values (non-root, no privilege
 * escalation, all capabilities dropped, the runtime's default seccomp profile), because the kbatch CLI has no way to
 * set them; a field set explicitly to a forbidden value is rejected. Every violation names the field path (in the
 * CLI's snake_case) and the rule, in one 422.
 */
public final class PodSecurityPolicy {

    /** Capabilities the baseline level lets a container add. */
    static final Set<String> BASELINE_CAPABILITIES = Set.of("AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID",
            "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT");
    /** The "safe" sysctls of the baseline level. */
    static final Set<String> SAFE_SYSCTLS = Set.of("kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
            "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
            "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
            "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes");
    static final Set<String> SELINUX_TYPES = Set.of("", "container_t", "container_init_t", "container_kvm_t",
            "container_engine_t");
    /** Volume types the restricted level allows (by their JSON names). */
    static final Set<String> RESTRICTED_VOLUMES = Set.of("configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
            "persistentVolumeClaim", "projected", "secret");

    private final PodSecurityLevel level;
    private final boolean allowServiceAccounts;

    /**
     * @param level                the level to enforce
     * @param allowServiceAccounts whether users may pick a service account other than {@code default} and ask for its
     *                             token to be mounted ({@code KBATCH_ALLOW_SERVICE_ACCOUNTS})
     */
    public PodSecurityPolicy(PodSecurityLevel level, boolean allowServiceAccounts) {
        this.level = level;
        this.allowServiceAccounts = allowServiceAccounts;
    }

    public PodSecurityLevel level() {
        return level;
    }

    /** The workload with the restricted defaults filled in (unchanged below restricted); the input is not modified. */
    public <W extends HasMetadata> W withDefaults(W workload) {
        if (level != PodSecurityLevel.RESTRICTED) {
            return workload;
        }
        return PodSpecs.editPodSpec(workload, PodSecurityPolicy::restrictedDefaults);
    }

    /** Rejects the workload with a 422 naming every violation, or returns it unchanged. */
    public <W extends HasMetadata> W check(W workload) {
        List<String> violations = violations(workload);
        if (!violations.isEmpty()) {
            throw new ApiException(422, "The job violates the pod security policy (" + level.label() + "): "
                    + String.join("; ", violations));
        }
        return workload;
    }

    /** Every violation as {@code path: rule}, empty when the workload complies. */
    public List<String> violations(HasMetadata workload) {
        PodSpec pod = PodSpecs.podSpec(workload);
        String base = PodSpecs.podPath(workload);
        List<String> out = new ArrayList<>();
        if (pod == null) {
            return out;
        }
        if (!allowServiceAccounts) {
            String sa = pod.getServiceAccountName() != null ? pod.getServiceAccountName() : pod.getServiceAccount();
            if (sa != null && !sa.isEmpty() && !sa.equals("default")) {
                out.add(base + ".service_account_name: only the namespace's default service account may be used");
            }
            if (Boolean.TRUE.equals(pod.getAutomountServiceAccountToken())) {
                out.add(base + ".automount_service_account_token: mounting a service account token is not allowed");
            }
        }
        if (level == PodSecurityLevel.PRIVILEGED) {
            return out;
        }
        baseline(pod, base, out);
        if (level == PodSecurityLevel.RESTRICTED) {
            restricted(pod, base, out);
        }
        return out;
    }

    private static void baseline(PodSpec pod, String base, List<String> out) {
        if (Boolean.TRUE.equals(pod.getHostNetwork())) {
            out.add(base + ".host_network: sharing the host's network namespace is not allowed");
        }
        if (Boolean.TRUE.equals(pod.getHostPID())) {
            out.add(base + ".host_pid: sharing the host's process namespace is not allowed");
        }
        if (Boolean.TRUE.equals(pod.getHostIPC())) {
            out.add(base + ".host_ipc: sharing the host's IPC namespace is not allowed");
        }
        PodSecurityContext podContext = pod.getSecurityContext();
        if (podContext != null) {
            hostProcess(podContext.getWindowsOptions(), base + ".security_context", out);
            seLinux(podContext.getSeLinuxOptions(), base + ".security_context", out);
            seccompNotUnconfined(podContext.getSeccompProfile(), base + ".security_context", out);
            List<Sysctl> sysctls = podContext.getSysctls() == null ? List.of() : podContext.getSysctls();
            for (int i = 0; i < sysctls.size(); i++) {
                if (!SAFE_SYSCTLS.contains(sysctls.get(i).getName())) {
                    out.add(base + ".security_context.sysctls[" + i + "]: sysctl '" + sysctls.get(i).getName()
                            + "' is not in the safe set");
                }
            }
        }
        List<Volume> volumes = pod.getVolumes() == null ? List.of() : pod.getVolumes();
        for (int i = 0; i < volumes.size(); i++) {
            if (volumes.get(i).getHostPath() != null) {
                out.add(base + ".volumes[" + i + "].host_path: hostPath volumes are not allowed");
            }
        }
        PodSpecs.forEachContainer(pod, base, (container, path) -> {
            for (ContainerPort port : container.getPorts() == null ? List.<ContainerPort>of() : container.getPorts()) {
                if (port.getHostPort() != null && port.getHostPort() != 0) {
                    out.add(path + ".ports: host ports are not allowed");
                    break;
                }
            }
            SecurityContext sc = container.getSecurityContext();
            if (sc == null) {
                return;
            }
            String p = path + ".security_context";
            if (Boolean.TRUE.equals(sc.getPrivileged())) {
                out.add(p + ".privileged: privileged containers are not allowed");
            }
            if (sc.getProcMount() != null && !sc.getProcMount().equals("Default")) {
                out.add(p + ".proc_mount: only the Default /proc mount is allowed");
            }
            Capabilities caps = sc.getCapabilities();
            if (caps != null && caps.getAdd() != null) {
                for (String cap : caps.getAdd()) {
                    if (!BASELINE_CAPABILITIES.contains(cap)) {
                        out.add(p + ".capabilities.add: capability '" + cap + "' may not be added");
                    }
                }
            }
            hostProcess(sc.getWindowsOptions(), p, out);
            seLinux(sc.getSeLinuxOptions(), p, out);
            seccompNotUnconfined(sc.getSeccompProfile(), p, out);
        });
    }

    private static void restricted(PodSpec pod, String base, List<String> out) {
        List<Volume> volumes = pod.getVolumes() == null ? List.of() : pod.getVolumes();
        for (int i = 0; i < volumes.size(); i++) {
            Volume v = volumes.get(i);
            boolean allowed = v.getConfigMap() != null || v.getCsi() != null || v.getDownwardAPI() != null
                    || v.getEmptyDir() != null || v.getEphemeral() != null || v.getPersistentVolumeClaim() != null
                    || v.getProjected() != null || v.getSecret() != null;
            if (!allowed && v.getHostPath() == null) {
                out.add(base + ".volumes[" + i + "]: only configMap, csi, downwardAPI, emptyDir, ephemeral,"
                        + " persistentVolumeClaim, projected and secret volumes are allowed");
            }
        }
        PodSecurityContext podContext = pod.getSecurityContext();
        Boolean podNonRoot = podContext == null ? null : podContext.getRunAsNonRoot();
        SeccompProfile podSeccomp = podContext == null ? null : podContext.getSeccompProfile();
        if (podContext != null && podContext.getRunAsUser() != null && podContext.getRunAsUser() == 0) {
            out.add(base + ".security_context.run_as_user: running as user 0 (root) is not allowed");
        }
        if (Boolean.FALSE.equals(podNonRoot)) {
            out.add(base + ".security_context.run_as_non_root: must not be false");
        }
        PodSpecs.forEachContainer(pod, base, (container, path) -> {
            SecurityContext sc = container.getSecurityContext();
            String p = path + ".security_context";
            if (sc == null || !Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
                out.add(p + ".allow_privilege_escalation: must be false");
            }
            Boolean nonRoot = sc == null || sc.getRunAsNonRoot() == null ? podNonRoot : sc.getRunAsNonRoot();
            if (!Boolean.TRUE.equals(nonRoot)) {
                out.add(p + ".run_as_non_root: must be true (here or for the pod)");
            }
            if (sc != null && sc.getRunAsUser() != null && sc.getRunAsUser() == 0) {
                out.add(p + ".run_as_user: running as user 0 (root) is not allowed");
            }
            SeccompProfile seccomp = sc == null || sc.getSeccompProfile() == null ? podSeccomp : sc.getSeccompProfile();
            if (seccomp == null || !("RuntimeDefault".equals(seccomp.getType()) || "Localhost".equals(seccomp.getType()))) {
                out.add(p + ".seccomp_profile: must be RuntimeDefault or Localhost (here or for the pod)");
            }
            Capabilities caps = sc == null ? null : sc.getCapabilities();
            if (caps == null || caps.getDrop() == null || !caps.getDrop().contains("ALL")) {
                out.add(p + ".capabilities.drop: must drop ALL");
            }
            if (caps != null && caps.getAdd() != null) {
                for (String cap : caps.getAdd()) {
                    if (!cap.equals("NET_BIND_SERVICE")) {
                        out.add(p + ".capabilities.add: only NET_BIND_SERVICE may be added, not '" + cap + "'");
                    }
                }
            }
        });
    }

    private static void hostProcess(WindowsSecurityContextOptions windows, String path, List<String> out) {
        if (windows != null && Boolean.TRUE.equals(windows.getHostProcess())) {
            out.add(path + ".windows_options.host_process: Windows host processes are not allowed");
        }
    }

    private static void seLinux(SELinuxOptions options, String path, List<String> out) {
        if (options == null) {
            return;
        }
        if (options.getType() != null && !SELINUX_TYPES.contains(options.getType())) {
            out.add(path + ".se_linux_options.type: SELinux type '" + options.getType() + "' is not allowed");
        }
        if (options.getUser() != null && !options.getUser().isEmpty()) {
            out.add(path + ".se_linux_options.user: setting the SELinux user is not allowed");
        }
        if (options.getRole() != null && !options.getRole().isEmpty()) {
            out.add(path + ".se_linux_options.role: setting the SELinux role is not allowed");
        }
    }

    private static void seccompNotUnconfined(SeccompProfile profile, String path, List<String> out) {
        if (profile != null && "Unconfined".equals(profile.getType())) {
            out.add(path + ".seccomp_profile.type: Unconfined is not allowed");
        }
    }

    private static PodSpec restrictedDefaults(PodSpec original) {
        PodSpec pod = new io.fabric8.kubernetes.api.model.PodSpecBuilder(original).build();
        PodSecurityContext podContext = pod.getSecurityContext() == null ? new PodSecurityContext()
                : pod.getSecurityContext();
        if (podContext.getRunAsNonRoot() == null) {
            podContext.setRunAsNonRoot(true);
        }
        if (podContext.getSeccompProfile() == null) {
            podContext.setSeccompProfile(new SeccompProfile(null, "RuntimeDefault"));
        }
        pod.setSecurityContext(podContext);
        List<Container> all = new ArrayList<>(pod.getContainers() == null ? List.of() : pod.getContainers());
        all.addAll(pod.getInitContainers() == null ? List.of() : pod.getInitContainers());
        for (Container c : all) {
            SecurityContext sc = c.getSecurityContext() == null ? new SecurityContext() : c.getSecurityContext();
            if (sc.getAllowPrivilegeEscalation() == null) {
                sc.setAllowPrivilegeEscalation(false);
            }
            if (sc.getCapabilities() == null) {
                sc.setCapabilities(new Capabilities(null, List.of("ALL")));
            } else if (sc.getCapabilities().getDrop() == null || sc.getCapabilities().getDrop().isEmpty()) {
                sc.getCapabilities().setDrop(List.of("ALL"));
            }
            c.setSecurityContext(sc);
        }
        return pod;
    }
}
