import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.UUID;

/** The submission: {@code POST /jobs/} with env and code, and the Kubernetes calls it stands for. */
final class SubmitCase {

    /** {@code POST /jobs/} (CLI body with env and code) vs the same Kubernetes calls made directly. */
    static Pair submit(Target t) throws Exception {
        String ns = "kbatch-" + StubHub.SUBMIT_USER;
        // Suspended on both sides (spec.suspend, which users may set): on a real cluster every submission would
        // otherwise start a pod, thousands in a case; the API calls are the same.
        String cli = Files.readString(Bench.ROOT.resolve("bench/fixtures/submit-job-with-code.cli.json"));
        byte[] body = Http.bytes(suspend(cli, "\"suspend\": null", "\"suspend\": true"));
        DirectSubmission submission = new DirectSubmission(ns, StubHub.SUBMIT_USER, StubHub.SUBMIT_TOKEN);
        t.direct().cleanNamespace(ns);
        // Every segment starts from an empty namespace (the demo controller's work grows with what exists).
        return LoadGenerator.compare("POST /jobs/ (env + code)",
                "the 6 calls: namespace, secret, configmap, job, 2 merge patches",
                t.proxySide("proxy", c -> c.request("POST", "/jobs/",
                        HttpConnection.auth(StubHub.SUBMIT_TOKEN) + Http.JSON_TYPE, body, false).status == 200),
                t.directSide("direct", submission::run),
                () -> t.direct().cleanNamespace(ns));
    }

    /** {@code json} with {@code anchor} replaced by {@code with}, which must happen. */
    static String suspend(String json, String anchor, String with) {
        if (!json.contains(anchor)) {
            throw new IllegalStateException("a submission fixture has no " + anchor + " to set suspend on");
        }
        return json.replace(anchor, with);
    }

    /**
     * The Kubernetes calls of one submission with env and code, in the proxy's order: the namespace (409 from the
     * second time on, as for the proxy), the Secret, the ConfigMap, the Job, then the owner merge patches of the
     * Secret and the ConfigMap. The bodies are those the reference sent for the same CLI command
     * (fixtures/direct-*.json, from shared/wire/05-job-submit-with-code-k8s-calls.json without the admin template).
     */
    static final class DirectSubmission {
        final String ns;
        final byte[] namespace;
        final String secret;
        final String configMap;
        final String job;

        DirectSubmission(String ns, String user, String token) throws IOException {
            this.ns = ns;
            String b64 = Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8));
            this.namespace = Http.bytes(DirectKubernetes.template("direct-1-namespace.json")
                    .replace("${NS}", ns));
            this.secret = DirectKubernetes.template("direct-2-secret.json").replace("${USER}", user)
                    .replace("${TOKEN_B64}", b64);
            this.configMap = DirectKubernetes.template("direct-3-configmap.json").replace("${NS}", ns)
                    .replace("${USER}", user);
            this.job = suspend(DirectKubernetes.template("direct-4-job.json"), "\"backoffLimit\": 0,",
                    "\"backoffLimit\": 0, \"suspend\": true,").replace("${NS}", ns).replace("${USER}", user);
        }

        boolean run(Http c) throws IOException {
            String id = UUID.randomUUID().toString();
            Http.Response r = c.request("POST", "/api/v1/namespaces", Http.JSON_TYPE, namespace,
                    false);
            if (r.status != 201 && r.status != 409) return false;
            r = DirectKubernetes.create(c, "/api/v1/namespaces/" + ns + "/secrets",
                    Http.bytes(secret.replace("${ID}", id)));
            if (r.status != 201) return false;
            String secretName = (String) Json.at(Json.parse(r.text()), "metadata", "name");
            r = DirectKubernetes.create(c, "/api/v1/namespaces/" + ns + "/configmaps",
                    Http.bytes(configMap.replace("${ID}", id)));
            if (r.status != 201) return false;
            String configMapName = (String) Json.at(Json.parse(r.text()), "metadata", "name");
            r = DirectKubernetes.create(c, "/apis/batch/v1/namespaces/" + ns + "/jobs",
                    Http.bytes(job.replace("${ID}", id).replace("${SECRET}", secretName)
                            .replace("${CONFIGMAP}", configMapName)));
            if (r.status != 201) return false;
            Object made = Json.parse(r.text());
            byte[] owner = Http.bytes("""
                    {"metadata":{"ownerReferences":[{"apiVersion":"batch/v1","kind":"Job","name":"%s","uid":"%s"}]}}"""
                    .formatted(Json.at(made, "metadata", "name"), Json.at(made, "metadata", "uid")));
            r = c.request("PATCH", "/api/v1/namespaces/" + ns + "/secrets/" + secretName,
                    Http.MERGE_PATCH_TYPE, owner, false);
            if (r.status != 200) return false;
            r = c.request("PATCH", "/api/v1/namespaces/" + ns + "/configmaps/" + configMapName,
                    Http.MERGE_PATCH_TYPE, owner, false);
            return r.status == 200;
        }
    }
}
