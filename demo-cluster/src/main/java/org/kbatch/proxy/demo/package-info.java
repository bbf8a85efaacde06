/**
 * An embedded Kubernetes for the {@code --demo} mode and integration tests: {@link org.kbatch.proxy.demo.DemoCluster}
 * serves the Kubernetes REST API on a loopback port (fabric8's CRUD mock storage behind a small front that adds
 * what a real API server does and serves pod logs), and simulates the job controller, the kubelet, the TTL
 * controller and the garbage collector closely enough for kbatch: Jobs run as pods that write log lines, succeed
 * or fail, and disappear with their Secrets and ConfigMaps when deleted.
 */
package org.kbatch.proxy.demo;
