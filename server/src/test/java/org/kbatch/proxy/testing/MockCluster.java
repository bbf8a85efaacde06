package org.kbatch.proxy.testing;

import java.util.List;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;

/** What a user would see with kubectl in the CRUD mock: the objects the proxy left behind. */
public final class MockCluster {
    private MockCluster() {
    }

    public static List<Secret> secrets(KubernetesClient client) {
        return client.secrets().inAnyNamespace().list().getItems();
    }

    public static List<ConfigMap> configMaps(KubernetesClient client) {
        return client.configMaps().inAnyNamespace().list().getItems().stream()
                .filter(cm -> !cm.getMetadata().getName().equals("kube-root-ca.crt"))
                .toList();
    }
}
