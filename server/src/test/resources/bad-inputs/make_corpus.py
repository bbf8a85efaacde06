#!/usr/bin/env python3
"""Writes corpus.json: requests that a correct kbatch-proxy must answer with a 4xx and a {"detail"}.

Run it again after changing the cases; the test (BadInputCorpusServerTest) reads only corpus.json.
Each case: name, method, path (under the server root), token ("alice" = a valid token, null = none, or a header
value under "authorization", or several Authorization headers under "authorizations"), body (a JSON value, or "raw"
for bytes as a string, or "raw_base64" for bytes that are not text), content_type (default application/json), status
(exact, or null for any 4xx), detail (texts the detail must contain: the field path, the expected type, ...).
"<PAD:n>" in a body stands for n letters 'a' (keeps this file small).
"""
import copy
import json

JOB = {
    "api_version": "batch/v1", "kind": "Job",
    "metadata": {"generate_name": "bad-", "labels": {}, "annotations": {}},
    "spec": {"backoff_limit": 0, "ttl_seconds_after_finished": 300,
             "template": {"metadata": {"name": "bad-pod"},
                          "spec": {"restart_policy": "Never",
                                   "containers": [{"name": "job", "image": "busybox:1.36",
                                                   "command": ["sh", "-c", "echo hi"], "working_dir": "/code",
                                                   "env": [{"name": "A", "value": "1", "value_from": None}],
                                                   "resources": {"limits": {}, "requests": {}}}]}}}}
CRON = {"api_version": "batch/v1", "kind": "CronJob", "metadata": {"generate_name": "badcron-"},
        "spec": {"schedule": "*/5 * * * *", "job_template": {"metadata": {}, "spec": copy.deepcopy(JOB["spec"])}}}
CODE = {"api_version": "v1", "kind": "ConfigMap", "metadata": {"generate_name": "bad"},
        "binary_data": {"code": "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="}}

cases = []


def case(name, method, path, body=None, raw=None, token="alice", authorization=None, status=None, detail=None,
         content_type=None, authorizations=None, raw_base64=None):
    c = {"name": name, "method": method, "path": path, "token": token, "status": status}
    if authorization is not None:
        c["authorization"] = authorization
    if authorizations is not None:
        c["authorizations"] = authorizations
    if content_type is not None:
        c["content_type"] = content_type
    if raw is not None:
        c["raw"] = raw
    elif raw_base64 is not None:
        c["raw_base64"] = raw_base64
    elif body is not None:
        c["body"] = body
    if detail is not None:
        c["detail"] = detail if isinstance(detail, list) else [detail]
    cases.append(c)


def at(obj, path, value):
    """A copy of obj with the value at path ('a.b.0.c') replaced; value DELETE removes the key."""
    obj = copy.deepcopy(obj)
    keys = path.split(".")
    cur = obj
    for k in keys[:-1]:
        cur = cur[int(k)] if isinstance(cur, list) else cur.setdefault(k, {})
    last = keys[-1]
    if isinstance(cur, list):
        cur[int(last)] = value
    elif value == "DELETE":
        del cur[last]
    else:
        cur[last] = value
    return obj


def job(path, value):
    return {"job": at(JOB, path, value)}


POD = "spec.template.spec"
C0 = POD + ".containers.0"

# 1. Malformed JSON and non-object bodies (400, or 422 for valid JSON of the wrong shape)
for name, raw, status in [
    ("truncated object", '{"job": {', 400), ("truncated string", '{"job": "abc', 400),
    ("trailing garbage", '{"job": {}} xyz', 400), ("trailing comma", '{"job": {},}', 400),
    ("single quotes", "{'job': {}}", 400), ("unquoted key", "{job: {}}", 400),
    ("NaN", '{"job": {"spec": {"backoff_limit": NaN}}}', 400), ("comment", '{"job": {} /* c */}', 400),
    ("bare word", "job", 400), ("only a brace", "{", 400), ("only a bracket", "]", 400),
    ("control char in string", '{"job": {"metadata": {"name": "a\u0001b"}}}', 400),
    ("invalid escape", '{"job": {"metadata": {"name": "\\x41"}}}', 400),
    ("empty body", "", 422), ("whitespace body", "   \n ", 422), ("null body", "null", 422),
    ("array body", "[]", 422), ("number body", "42", 422), ("string body", '"job"', 422), ("true body", "true", 422),
    ("deep arrays", "[" * 5000 + "]" * 5000, None), ("deep objects", '{"a":' * 3000 + "1" + "}" * 3000, None),
    ("huge number", '{"job": {"spec": {"backoff_limit": ' + "9" * 400 + "}}}", 422),
    ("invalid utf-8 surrogate", '{"job": {"metadata": {"name": "\\ud800"}}}', None),
]:
    where = ["Malformed JSON in request body at line "] if status == 400 else None
    case("malformed: " + name, "POST", "/jobs/", raw=raw, status=status, detail=where)
    if len(cases) % 3 == 0:
        case("malformed (cronjobs): " + name, "POST", "/cronjobs/", raw=raw, status=status, detail=where)

# 2. Envelope
case("envelope: missing job", "POST", "/jobs/", body={}, status=422)
case("envelope: job null", "POST", "/jobs/", body={"job": None}, status=422)
case("envelope: unknown top-level key", "POST", "/jobs/", body={"job": JOB, "profile": "gpu"}, status=422)
case("envelope: code not an object", "POST", "/jobs/", body={"job": JOB, "code": "zip"}, status=422)
case("envelope: code list", "POST", "/jobs/", body={"job": JOB, "code": []}, status=422)

# 3. Wrong types at every level
for path, value in [
    ("metadata", "x"), ("metadata", []), ("metadata.labels", ["a"]), ("metadata.labels", "a=b"),
    ("metadata.annotations", 5), ("metadata.annotations", {"a": {"b": "c"}}), ("metadata.generate_name", {"x": 1}),
    ("metadata.generate_name", ["x"]), ("spec", "x"), ("spec", []), ("spec.backoff_limit", "many"),
    ("spec.backoff_limit", {"n": 1}), ("spec.backoff_limit", 1.5), ("spec.ttl_seconds_after_finished", [300]),
    ("spec.parallelism", "two"), ("spec.suspend", {"x": True}), ("spec.template", "pod"), ("spec.template", []),
    (POD, "spec"), (POD + ".containers", {"name": "job"}), (POD + ".containers", "job"),
    (POD + ".containers.0", "job"), (POD + ".containers.0", []), (POD + ".restart_policy", ["Never"]),
    (POD + ".node_selector", "pool=batch"), (POD + ".node_selector", ["pool"]), (POD + ".tolerations", {"key": "x"}),
    (POD + ".volumes", {"name": "v"}), (POD + ".affinity", "gpu"), (POD + ".active_deadline_seconds", "soon"),
    (C0 + ".command", {"sh": "-c"}), (C0 + ".args", {"a": 1}), (C0 + ".env", {"A": "1"}), (C0 + ".env", "A=1"),
    (C0 + ".env.0", "A=1"), (C0 + ".env.0.value", {"v": 1}), (C0 + ".env.0.value_from", "secret"),
    (C0 + ".resources", "big"), (C0 + ".resources.limits", ["cpu"]), (C0 + ".resources.limits", {"cpu": {"n": 1}}),
    (C0 + ".resources.requests", {"memory": ["1Gi"]}), (C0 + ".image", {"name": "busybox"}),
    (C0 + ".working_dir", ["/code"]), (C0 + ".volume_mounts", {"name": "v"}), (C0 + ".ports", {"container_port": 80}),
    (C0 + ".security_context", "root"), (C0 + ".security_context.privileged", "yes please"),
]:
    case("wrong type: job.%s = %s" % (path, json.dumps(value)[:30]), "POST", "/jobs/", body=job(path, value),
         status=422)
for path, value in [("code.binary_data", ["zip"]), ("code.binary_data", "zip"), ("code.binary_data.code", {"z": 1}),
                    ("code.data", [1]), ("code.metadata", "m"), ("code.immutable", "no")]:
    body = {"job": JOB, "code": at(CODE, path.split(".", 1)[1], value)}
    case("wrong type: %s = %s" % (path, json.dumps(value)[:30]), "POST", "/jobs/", body=body, status=422)
for path, value in [("spec.schedule", ["*"]), ("spec.job_template", "job"), ("spec.job_template.spec.template", 3),
                    ("spec.concurrency_policy", {"a": 1}), ("spec.starting_deadline_seconds", "later")]:
    case("wrong type (cronjob): %s" % path, "POST", "/cronjobs/", body={"job": at(CRON, path, value)}, status=422)

# 4. Unknown keys (typos must not vanish)
for path in ["metadata.generatename", "spec.backofflimit", "spec.template.spec.containerz", C0 + ".imagee",
             C0 + ".enviroment", C0 + ".env.0.valeu", C0 + ".resources.limit", POD + ".restartPolicyy",
             "spec.template.metadata.lables", "spec.ttl", "kindd", "metadata.additionalProperties", "status.phase"]:
    parts = path.rsplit(".", 1)
    body = job(path, "x") if len(parts) == 2 and parts[0] != "status" else None
    if body is None:
        body = {"job": dict(JOB, **({"kindd": "Job"} if path == "kindd" else {"status": {"phase": "x"}}))}
    case("unknown key: job." + path, "POST", "/jobs/", body=body, status=422)
case("unknown key: code.binarydata", "POST", "/jobs/", body={"job": JOB, "code": dict(CODE, binarydata={})},
     status=422)
case("unknown key (cronjob): spec.schedulee", "POST", "/cronjobs/",
     body={"job": at(CRON, "spec.schedulee", "* * * * *") if False else dict(CRON, spec=dict(CRON["spec"], schedulee="x"))},
     status=422)

# 5. Pod security policy (baseline) and submission rules
for name, path, value in [
    ("privileged", C0 + ".security_context", {"privileged": True}),
    ("host path /", POD + ".volumes", [{"name": "root", "host_path": {"path": "/"}}]),
    ("host network", POD + ".host_network", True), ("host pid", POD + ".host_pid", True),
    ("host ipc", POD + ".host_ipc", True),
    ("host port", C0 + ".ports", [{"container_port": 80, "host_port": 80}]),
    ("SYS_ADMIN", C0 + ".security_context", {"capabilities": {"add": ["SYS_ADMIN"]}}),
    ("NET_ADMIN", C0 + ".security_context", {"capabilities": {"add": ["NET_ADMIN"]}}),
    ("ALL caps", C0 + ".security_context", {"capabilities": {"add": ["ALL"]}}),
    ("unmasked proc", C0 + ".security_context", {"proc_mount": "Unmasked"}),
    ("unsafe sysctl", POD + ".security_context", {"sysctls": [{"name": "kernel.msgmax", "value": "1"}]}),
    ("seccomp unconfined", C0 + ".security_context", {"seccomp_profile": {"type": "Unconfined"}}),
    ("pod seccomp unconfined", POD + ".security_context", {"seccomp_profile": {"type": "Unconfined"}}),
    ("selinux user", POD + ".security_context", {"se_linux_options": {"user": "system_u"}}),
    ("selinux type", C0 + ".security_context", {"se_linux_options": {"type": "spc_t"}}),
    ("windows host process", POD + ".security_context", {"windows_options": {"host_process": True}}),
    ("service account", POD + ".service_account_name", "cluster-admin"),
    ("deprecated service account", POD + ".service_account", "cluster-admin"),
    ("token automount", POD + ".automount_service_account_token", True),
    ("privileged init container", POD + ".init_containers",
     [{"name": "init", "image": "busybox", "security_context": {"privileged": True}}]),
    ("owner references", "metadata.owner_references",
     [{"api_version": "v1", "kind": "Namespace", "name": "kbatch-bob", "uid": "1"}]),
    ("kind mismatch", "kind", "CronJob"),
    ("no containers", POD + ".containers", []),
    ("reserved volume name", POD + ".volumes", [{"name": "code-volume", "empty_dir": {}}]),
]:
    body = job(path, value)
    if name == "reserved volume name":
        body["code"] = CODE  # the name is reserved for the code the proxy unzips
    case("policy: " + name, "POST", "/jobs/", body=body, status=422)
case("policy (cronjob): privileged", "POST", "/cronjobs/",
     body={"job": at(CRON, "spec.job_template.spec.template.spec.containers.0.security_context", {"privileged": True})},
     status=422)
case("policy (cronjob): host path", "POST", "/cronjobs/",
     body={"job": at(CRON, "spec.job_template.spec.template.spec.volumes", [{"name": "r", "host_path": {"path": "/"}}])},
     status=422)
case("policy: code kind", "POST", "/jobs/", body={"job": JOB, "code": dict(CODE, kind="Secret")}, status=422,
     detail='code.kind: expected ConfigMap, got "Secret"')
case("policy: empty kind", "POST", "/jobs/", body=job("kind", ""), status=422, detail='job.kind: expected Job, got ""')

# 6. Hostile and invalid names in paths and queries (never a call to another namespace)
# (A bare "/jobs/.." is normalised to "/" by the server, as URI paths are; "..." and encoded forms stay names.)
for name in ["...", "UPPER", "under_score", "a b", "a%20b", "%2e%2e", "..%2Fkbatch-bob%2Fjob", "%2Fetc%2Fpasswd",
             "job%00", "j%C3%BCrgen", "-leading", "trailing-", "a..b", ".dot", "x" * 254, "job*", "job%2Cother",
             "job%3Dx", "%E2%80%AE", "job%0Aname", "%27%3B--"]:
    case("name: GET jobs/" + name[:40], "GET", "/jobs/" + name, status=None)
    case("name: DELETE jobs/" + name[:40], "DELETE", "/jobs/" + name, status=None)
for name in ["UPPER", "..%2Fx", "a_b", "x" * 254, "job%2Cjob-name%21%3Dx"]:
    case("name: GET cronjobs/" + name[:40], "GET", "/cronjobs/" + name, status=None)
    case("name: GET jobs/logs/%s/" % name[:40], "GET", "/jobs/logs/%s/" % name, status=None)
    case("name: GET pods/logs/%s/" % name[:40], "GET", "/pods/logs/%s/" % name, status=None)
for selector in ["a%2Cb%3Dc", "job-name%21%3Dx", "x%20in%20(a)", "UPPER", "%21a", "a%3Db", "x" * 300]:
    case("selector: pods/?job_name=" + selector[:40], "GET", "/pods/?job_name=" + selector, status=422)
for flag in ["maybe", "2", "truee", "%00", "yes%20please", "-1"]:
    case("flag: stream=" + flag, "GET", "/pods/logs/some-pod/?stream=" + flag, status=422)
    case("flag (jobs): stream=" + flag, "GET", "/jobs/logs/some-job/?stream=" + flag, status=None)

# 7. Header abuse
for name, header in [("no scheme", "alice-token"), ("basic", "Basic YWxpY2U6cHc="), ("empty", ""),
                     ("scheme only", "token"), ("bearer empty", "Bearer "), ("two tokens", "token a b"),
                     ("unknown token", "token not-a-valid-token"), ("long token", "token " + "x" * 8000),
                     ("digest", "Digest username=alice"), ("token with tab", "token\talice-token\tx"),
                     ("lowercase unknown scheme", "jwt alice-token"), ("non-ascii token", "token alice-t\u00f6ken")]:
    case("header: " + name, "GET", "/jobs/", token=None, authorization=header, status=401)
    if name in ("no scheme", "unknown token", "empty"):
        case("header (POST): " + name, "POST", "/jobs/", body={"job": JOB}, token=None, authorization=header,
             status=401)
# Ambiguous credentials: two Authorization headers are a 400 whatever they hold (issue 14, class 6)
TWO = "The request has 2 Authorization headers; send exactly one"
for name, headers in [("valid, then junk", ["token alice-token", "junk"]),
                      ("junk, then valid", ["junk", "token alice-token"]),
                      ("valid twice", ["token alice-token", "token alice-token"]),
                      ("valid, then bearer of another", ["token alice-token", "Bearer not-a-valid-token"]),
                      ("valid, then empty", ["token alice-token", ""])]:
    case("header: two Authorization headers, " + name, "GET", "/jobs/", token=None, authorizations=headers,
         status=400, detail=TWO)
case("header: two Authorization headers on submit", "POST", "/jobs/", body={"job": JOB}, token=None,
     authorizations=["token alice-token", "junk"], status=400, detail=TWO)
case("header: two Authorization headers on delete", "DELETE", "/cronjobs/x", token=None,
     authorizations=["token alice-token", "token alice-token"], status=400, detail=TWO)
case("header: three Authorization headers", "GET", "/authorized", token=None,
     authorizations=["token alice-token", "token alice-token", "x"], status=400,
     detail="The request has 3 Authorization headers; send exactly one")
case("header: two Authorization headers on logs", "GET", "/pods/logs/x/", token=None,
     authorizations=["token alice-token", "junk"], status=400, detail=TWO)
case("header: missing on submit", "POST", "/jobs/", body={"job": JOB}, token=None, status=401)
case("header: missing on delete", "DELETE", "/jobs/x", token=None, status=401)
case("header: missing on logs", "GET", "/pods/logs/x/", token=None, status=401)

# 8. Size
case("size: 2 MiB annotation", "POST", "/jobs/", body=job("metadata.annotations", {"big": "<PAD:2097152>"}),
     status=413)
# Code may be up to KBATCH_MAX_CODE_BYTES (8 MiB; spread over several ConfigMaps): 11 MiB of base64 is 8.25 MiB.
case("size: code over KBATCH_MAX_CODE_BYTES", "POST", "/jobs/",
     body={"job": JOB, "code": at(CODE, "binary_data.code", "<PAD:11534336>")}, status=413,
     detail="The code archive is 8650752 bytes; at most 8388608 bytes are allowed (KBATCH_MAX_CODE_BYTES)")

# 9. Methods and routes
case("route: PUT jobs", "PUT", "/jobs/", body={"job": JOB}, status=None)
case("route: PATCH job", "PATCH", "/jobs/x", body={}, status=None)
case("route: POST pods", "POST", "/pods/", body={}, status=None)
case("route: unknown", "GET", "/secrets/", status=404)
case("route: traversal", "GET", "/jobs/../../api/v1/secrets", status=None)

# 10. Not JSON, said in our words with the line and column (issue 14, class 1); every detail of the corpus is also
# checked for a library's words by the test
for name, raw, detail in [
    ("hexadecimal number", '{"job": {"spec": {"backoff_limit": 0x1F}}}',
     "line 1, column 36: a hexadecimal number ('0x1F'): JSON numbers are written in decimal"),
    ("hexadecimal value", '{"job": 0xff}', "line 1, column 9: a hexadecimal number"),
    ("line comment", '{"job": {}\n// a comment\n}', "line 2, column 1: a comment: JSON has no comments"),
    ("hash comment", '# job\n{"job": {}}', "line 1, column 1: a comment"),
    ("block comment in object", '{"job": {/* x */}}', "line 1, column 10: a comment"),
    ("single-quoted value", '{"job": {"kind": \'Job\'}}', "line 1, column 18: a string in single quotes"),
    ("python repr", "{'job': {'kind': 'Job', 'spec': None}}", "line 1, column 2: a string in single quotes"),
    ("unquoted nested key", '{"job": {kind: "Job"}}', "line 1, column 10: a key without quotes ('kind')"),
    ("numeric key", '{"job": {1: 2}}', "line 1, column 10: a key without quotes ('1')"),
    ("trailing comma in list", '{"job": {"spec": {"template": {"spec": {"containers": [{},]}}}}}',
     "line 1, column 58: a comma before ']'"),
    ("trailing comma, second line", '{"job": {\n  "kind": "Job",\n}}', "line 2, column 16: a comma before '}'"),
    ("leading comma", '{"job": [,]}', "line 1, column 10: a comma before the first item of a list"),
    ("trailing garbage after newline", '{"job": {}}\n}', "line 2, column 1: unexpected '}' after the end"),
    ("two objects", '{"job": {}}{"job": {}}', "after the end of the JSON value that began at line 1, column 1"),
    ("Infinity", '{"job": {"spec": {"parallelism": Infinity}}}', "line 1, column 34: Infinity is not a JSON number"),
    ("leading zero", '{"job": {"spec": {"parallelism": 01}}}', "a number with a leading zero ('01')"),
    ("plus sign", '{"job": {"spec": {"parallelism": +1}}}', "a number with a '+' sign"),
    ("bare fraction", '{"job": {"spec": {"parallelism": .5}}}', "a number that starts with '.'"),
    ("python True", '{"job": {"spec": {"suspend": True}}}', "'True' is not JSON"),
    ("python None", '{"job": None}', "'None' is not JSON"),
    ("missing colon", '{"job" {}}', "line 1, column 8: unexpected '{': expected ':' after the key \"job\""),
    ("missing comma", '{"job": {"kind": "Job" "spec": {}}}', "expected ',' or '}' after an entry of an object"),
    ("wrong closer", '{"job": [}', "line 1, column 10: unexpected '}': expected a value"),
    ("unclosed string", '{"job": {"kind": "Job}}', "line 1, column 18: a string that is never closed"),
    ("unclosed list", '{"job": {"spec": [', "the body ends inside a list (a ']' is missing)"),
    ("tab in string", '{"job": {"kind": "J\tob"}}', "a control character (U+0009) inside a string"),
    ("yaml body", "job:\n  kind: Job\n", "line 1, column 1: unexpected word 'job'"),
    ("form data sent as JSON", "job=%7B%7D&code=", "the body looks like form data (key=value&...)"),
    ("xml sent as JSON", '<?xml version="1.0"?><job><kind>Job</kind></job>', "the body looks like XML or HTML"),
    ("html sent as JSON", "<html><body>job</body></html>", "the body looks like XML or HTML"),
    ("multipart sent as JSON", '--xyz\r\nContent-Disposition: form-data; name="job"\r\n\r\n{}\r\n--xyz--\r\n',
     "the body looks like a multipart form"),
]:
    case("not json: " + name, "POST", "/jobs/", raw=raw, status=400,
         detail="Malformed JSON in request body at " + detail if detail.startswith("line") else detail)
for name, content_type, raw, detail in [
    ("form", "application/x-www-form-urlencoded", "job=%7B%7D", "the body looks like form data"),
    ("multipart", "multipart/form-data; boundary=xyz",
     '--xyz\r\nContent-Disposition: form-data; name="job"\r\n\r\n{}\r\n--xyz--\r\n', "looks like a multipart form"),
    ("xml", "application/xml", "<job><kind>Job</kind></job>", "looks like XML or HTML"),
    ("text", "text/plain", "a job please", "unexpected word 'a'"),
]:
    case("not json (%s content type)" % name, "POST", "/jobs/", raw=raw, content_type=content_type, status=400,
         detail=["Malformed JSON in request body at line 1, column 1", detail])
    case("not json (%s content type, cronjobs)" % name, "POST", "/cronjobs/", raw=raw, content_type=content_type,
         status=400, detail=["Malformed JSON in request body at line 1, column 1", detail])
case("not json: latin-1 bytes", "POST", "/jobs/", raw_base64="eyJqb2IiOiB7ImtpbmQiOiAiSvZiIn19", status=400,
     detail="Malformed JSON in request body at line 1, column 20: bytes that are not UTF-8")
case("not json: utf-16", "POST", "/jobs/", raw_base64="//57ACIAagBvAGIAIgA6AHsAfQB9AA==", status=400,
     detail="Malformed JSON in request body at line 1, column 1")
case("json limits: duplicate key", "POST", "/jobs/", raw='{"job": {"kind": "Job"}, "job": {}}', status=422,
     detail='Duplicate key "job" at line 1, column 26')
case("json limits: duplicate label", "POST", "/jobs/",
     raw='{"job": {"metadata": {"labels": {"a": "1", "a": "2"}}}}', status=422, detail='Duplicate key "a"')
case("json limits: nesting", "POST", "/jobs/", raw='{"job": {"metadata": {"labels": ' + "[" * 400 + "]" * 400 + "}}}",
     status=422, detail="nested too deeply at line 1, column ")
case("json limits: long number", "POST", "/jobs/", raw='{"job": {"spec": {"parallelism": 1' + "0" * 150 + "}}}",
     status=422, detail="A number of 151 characters at line 1, column 34")
for field, value, detail in [
    ("spec.parallelism", 2 ** 31, "Invalid value at job.spec.parallelism: 2147483648 is out of range for a 32-bit"
                                  " integer"),
    ("spec.backoff_limit", -2 ** 31 - 1, "Invalid value at job.spec.backoff_limit: -2147483649 is out of range"),
    ("spec.active_deadline_seconds", 2 ** 63, "Invalid value at job.spec.active_deadline_seconds:"
                                              " 9223372036854775808 is out of range for a 64-bit integer"),
    (C0 + ".ports", [{"container_port": 10 ** 12}],
     "Invalid value at job.spec.template.spec.containers[0].ports[0].container_port: 1000000000000 is out of range"),
]:
    case("out of range: job." + field, "POST", "/jobs/", body=job(field, value), status=422, detail=detail)
# 11. No coercion: every scalar is read as strictly as the API server decodes it (issue 14, class 2)
CRON_POD = "spec.job_template.spec.template.spec"
for path, value, expected in [
    ("metadata.labels", {"tier": 1}, "job.metadata.labels.tier: expected a string, got a number (1)"),
    ("metadata.labels", {"gpu": True}, "job.metadata.labels.gpu: expected a string, got a boolean (true)"),
    ("metadata.annotations", {"n": 2.5}, "job.metadata.annotations.n: expected a string, got a number (2.5)"),
    ("metadata.generate_name", 7, "job.metadata.generate_name: expected a string, got a number (7)"),
    ("metadata.name", False, "job.metadata.name: expected a string, got a boolean (false)"),
    ("metadata.finalizers", [1], "job.metadata.finalizers[0]: expected a string, got a number (1)"),
    ("spec.parallelism", "2", "job.spec.parallelism: expected an integer, got a string (\"2\")"),
    ("spec.completions", "", "job.spec.completions: expected an integer, got a string (\"\")"),
    ("spec.backoff_limit", True, "job.spec.backoff_limit: expected an integer, got a boolean (true)"),
    ("spec.active_deadline_seconds", "600", "job.spec.active_deadline_seconds: expected an integer, got a string"),
    ("spec.ttl_seconds_after_finished", 1e2, "job.spec.ttl_seconds_after_finished: expected an integer, got a number"),
    ("spec.suspend", "true", "job.spec.suspend: expected a boolean, got a string (\"true\")"),
    ("spec.suspend", 1, "job.spec.suspend: expected a boolean, got a number (1)"),
    ("spec.manual_selector", "false", "job.spec.manual_selector: expected a boolean, got a string"),
    ("spec.pod_failure_policy", {"rules": [{"action": "FailJob", "on_exit_codes": {"operator": "In", "values": ["1"]}}]},
     "job.spec.pod_failure_policy.rules[0].on_exit_codes.values[0]: expected an integer, got a string (\"1\")"),
    ("spec.template.metadata.labels", {"a": 1}, "job.spec.template.metadata.labels.a: expected a string, got a number"),
    (POD + ".restart_policy", 0, POD.replace("spec.template", "job.spec.template") + ".restart_policy: expected a string"),
    (POD + ".node_selector", {"pool": 2}, "job.spec.template.spec.node_selector.pool: expected a string, got a number"),
    (POD + ".termination_grace_period_seconds", "30", "termination_grace_period_seconds: expected an integer, got a string"),
    (POD + ".host_network", "false", "job.spec.template.spec.host_network: expected a boolean, got a string"),
    (POD + ".security_context", {"run_as_user": "1000"},
     "job.spec.template.spec.security_context.run_as_user: expected an integer, got a string (\"1000\")"),
    (POD + ".tolerations", [{"key": "gpu", "toleration_seconds": "60"}],
     "job.spec.template.spec.tolerations[0].toleration_seconds: expected an integer, got a string"),
    (POD + ".volumes", [{"name": "v", "empty_dir": {"size_limit": True}}],
     "job.spec.template.spec.volumes[0].empty_dir.size_limit: expected a quantity (string or number), got a boolean"),
    (POD + ".volumes", [{"name": "v", "config_map": {"name": "c", "default_mode": "0644"}}],
     "job.spec.template.spec.volumes[0].config_map.default_mode: expected an integer, got a string (\"0644\")"),
    (C0 + ".command", ["sleep", 10], "job.spec.template.spec.containers[0].command[1]: expected a string, got a number (10)"),
    (C0 + ".command", [True], "containers[0].command[0]: expected a string, got a boolean (true)"),
    (C0 + ".args", [1.5], "job.spec.template.spec.containers[0].args[0]: expected a string, got a number (1.5)"),
    (C0 + ".env", [{"name": "N", "value": 42}], "containers[0].env[0].value: expected a string, got a number (42)"),
    (C0 + ".env", [{"name": "N", "value": False}], "containers[0].env[0].value: expected a string, got a boolean"),
    (C0 + ".env", [{"name": 5, "value": "x"}], "containers[0].env[0].name: expected a string, got a number (5)"),
    (C0 + ".image", 3, "job.spec.template.spec.containers[0].image: expected a string, got a number (3)"),
    (C0 + ".ports", [{"container_port": "80"}], "containers[0].ports[0].container_port: expected an integer, got a string"),
    (C0 + ".stdin", "no", "job.spec.template.spec.containers[0].stdin: expected a boolean, got a string"),
    (C0 + ".security_context", {"allow_privilege_escalation": "false"},
     "containers[0].security_context.allow_privilege_escalation: expected a boolean, got a string (\"false\")"),
    (C0 + ".security_context", {"run_as_non_root": 1}, "security_context.run_as_non_root: expected a boolean, got a number"),
    (C0 + ".liveness_probe", {"http_get": {"port": 8.5}},
     "containers[0].liveness_probe.http_get.port: expected an integer or a string, got a number (8.5)"),
    (C0 + ".liveness_probe", {"tcp_socket": {"port": True}},
     "containers[0].liveness_probe.tcp_socket.port: expected an integer or a string, got a boolean (true)"),
    (C0 + ".liveness_probe", {"exec": {"command": ["x"]}, "period_seconds": "10"},
     "containers[0].liveness_probe.period_seconds: expected an integer, got a string"),
    (C0 + ".resources", {"limits": {"cpu": "lots"}},
     "Invalid value at job.spec.template.spec.containers[0].resources.limits.cpu: a string (\"lots\") is not a quantity"),
    (C0 + ".resources", {"requests": {"memory": "1 GB"}}, "resources.requests.memory: a string (\"1 GB\") is not a quantity"),
    (C0 + ".resources", {"limits": {"nvidia.com/gpu": False}},
     "resources.limits[\"nvidia.com/gpu\"]: expected a quantity (string or number), got a boolean (false)"),
    (C0 + ".resources", {"limits": {"cpu": None}}, "resources.limits.cpu: expected a quantity (string or number), got null"),
    (C0 + ".env", [None], "job.spec.template.spec.containers[0].env[0]: expected an object (EnvVar), got null"),
    (POD + ".containers", [None], "job.spec.template.spec.containers[0]: expected an object (Container), got null"),
    ("metadata.labels", {"a": None}, "job.metadata.labels.a: expected a string, got null"),
]:
    case("no coercion: job.%s = %s" % (path, json.dumps(value)[:40]), "POST", "/jobs/", body=job(path, value),
         status=422, detail=expected)
for path, value, expected in [
    ("spec.schedule", 5, "job.spec.schedule: expected a string, got a number (5)"),
    ("spec.suspend", "false", "job.spec.suspend: expected a boolean, got a string"),
    ("spec.successful_jobs_history_limit", "3", "job.spec.successful_jobs_history_limit: expected an integer"),
    ("spec.starting_deadline_seconds", True, "job.spec.starting_deadline_seconds: expected an integer, got a boolean"),
    ("spec.job_template.spec.parallelism", "2", "job.spec.job_template.spec.parallelism: expected an integer, got a string"),
    (CRON_POD + ".containers.0.env", [{"name": "N", "value": 1}],
     "job.spec.job_template.spec.template.spec.containers[0].env[0].value: expected a string, got a number (1)"),
    (CRON_POD + ".containers.0.args", [{"a": 1}], "containers[0].args[0]: expected a string, got an object"),
    ("metadata.labels", {"x": 1}, "job.metadata.labels.x: expected a string, got a number (1)"),
]:
    case("no coercion (cronjob): %s = %s" % (path, json.dumps(value)[:40]), "POST", "/cronjobs/",
         body={"job": at(CRON, path, value)}, status=422, detail=expected)
for path, value, expected in [
    ("binary_data", {"code": 5}, "code.binary_data.code: expected a string, got a number (5)"),
    ("data", {"k": True}, "code.data.k: expected a string, got a boolean (true)"),
    ("immutable", "true", "code.immutable: expected a boolean, got a string"),
    ("metadata.labels", {"a": 1}, "code.metadata.labels.a: expected a string, got a number"),
]:
    case("no coercion: code.%s" % path, "POST", "/jobs/", body={"job": JOB, "code": at(CODE, path, value)},
         status=422, detail=expected)

# 12. What the API server would refuse, or what would break a step of ours, is a 422 about the user's field before
# anything is created: never a 503 from the Kubernetes client, never an error about the Secret or the ConfigMap the
# proxy derives from the job (issue 14, class 3; issue 13, item 3)
def cron(path, value):
    return {"job": at(CRON, path, value)}


CRON_C0 = CRON_POD + ".containers.0"
for name, body, expected in [
    ("env entry without a name", job(C0 + ".env", [{"value": "1"}]),
     "job.spec.template.spec.containers[0].env[0].name: required: every environment variable needs a name"),
    ("env entry with a null name", job(C0 + ".env", [{"name": None, "value": "1"}]),
     "containers[0].env[0].name: required"),
    ("env entry with an empty name", job(C0 + ".env", [{"name": "", "value": "1"}]),
     "containers[0].env[0].name: required"),
    ("second env entry without a name", job(C0 + ".env", [{"name": "A", "value": "1"}, {"value_from": None}]),
     "containers[0].env[1].name: required"),
    ("init container env without a name", job(POD + ".init_containers",
                                              [{"name": "i", "image": "busybox", "env": [{"value": "x"}]}]),
     "job.spec.template.spec.init_containers[0].env[0].name: required"),
    ("sidecar env without a name", job(POD + ".containers", [JOB["spec"]["template"]["spec"]["containers"][0],
                                                            {"name": "side", "image": "busybox", "env": [{}]}]),
     "job.spec.template.spec.containers[1].env[0].name: required"),
    ("env name with '='", job(C0 + ".env", [{"name": "A=B", "value": "1"}]),
     "containers[0].env[0].name: \"A=B\" is not a valid environment variable name: it may not contain '='"),
    ("env name with a control character", job(C0 + ".env", [{"name": "A\u0007", "value": "1"}]),
     "is not a valid environment variable name: printable ASCII characters only"),
    ("env value and value_from", job(C0 + ".env", [{"name": "A", "value": "1", "value_from": {
        "secret_key_ref": {"name": "s", "key": "k"}}}]),
     "containers[0].env[0]: value and value_from may not both be set"),
    ("job without a name", job("metadata", {"labels": {}}), "job.metadata: a Job needs a name or a generate_name"),
    ("job with an empty generate_name", job("metadata.generate_name", ""),
     "job.metadata: a Job needs a name or a generate_name"),
    ("job api_version", job("api_version", "batch/v2"), 'job.api_version: expected batch/v1, got "batch/v2"'),
    ("job resource_version", job("metadata.resource_version", "12345"),
     "job.metadata.resource_version: may not be set on an object to create"),
    ("label key with a space", job("metadata.labels", {"my team": "x"}),
     "job.metadata.labels[\"my team\"]: \"my team\" is not a valid label key"),
    ("label key with an empty prefix", job("metadata.labels", {"/team": "x"}), "is not a valid label key"),
    ("label key with a bad prefix", job("metadata.labels", {"Example.COM/team": "x"}), "is not a valid label key"),
    ("label key too long", job("metadata.labels", {"k" * 64: "x"}), "is not a valid label key"),
    ("label value with a space", job("metadata.labels", {"team": "blue team"}),
     "job.metadata.labels.team: \"blue team\" is not a valid label value"),
    ("label value too long", job("metadata.labels", {"team": "b" * 64}), "is not a valid label value: at most 63"),
    ("label value ending with a dash", job("metadata.labels", {"team": "blue-"}), "is not a valid label value"),
    ("pod label value", job("spec.template.metadata.labels", {"app": "-x"}),
     "job.spec.template.metadata.labels.app: \"-x\" is not a valid label value"),
    ("annotation key", job("metadata.annotations", {"not valid!": "x"}),
     "job.metadata.annotations[\"not valid!\"]: \"not valid!\" is not a valid annotation key"),
    ("pod annotation key", job("spec.template.metadata.annotations", {"a/b/c": "x"}),
     "job.spec.template.metadata.annotations[\"a/b/c\"]"),
    ("annotations too large", job("metadata.annotations", {"a": "<PAD:300000>"}),
     "job.metadata.annotations: 300001 bytes, Kubernetes allows at most 262144"),
    ("code without its zip", {"job": JOB, "code": at(CODE, "binary_data", {"other": "UEsF"})},
     "code.binary_data.code: required: the zip of the code"),
    ("code that is not base64", {"job": JOB, "code": at(CODE, "binary_data.code", "not base64!")},
     "code.binary_data.code: not base64"),
    ("code key", {"job": JOB, "code": at(CODE, "data", {"a b": "x"})},
     "code.data[\"a b\"]: \"a b\" is not a valid key"),
    ("code key '..'", {"job": JOB, "code": at(CODE, "binary_data", {"code": "UEsF", "..x": "UEsF"})},
     "code.binary_data[\"..x\"]: \"..x\" is not a valid key"),
    ("code api_version", {"job": JOB, "code": at(CODE, "api_version", "UPPER bad")},
     'code.api_version: expected v1, got "UPPER bad"'),
    ("code resource_version", {"job": JOB, "code": at(CODE, "metadata.resource_version", "1")},
     "code.metadata.resource_version: may not be set"),
    ("code label value", {"job": JOB, "code": at(CODE, "metadata.labels", {"a": "b c"})},
     "code.metadata.labels.a: \"b c\" is not a valid label value"),
]:
    case("api server rules: " + name, "POST", "/jobs/", body=body, status=422, detail=expected)
for name, body, expected in [
    ("env entry without a name", cron(CRON_C0 + ".env", [{"value": "1"}]),
     "job.spec.job_template.spec.template.spec.containers[0].env[0].name: required"),
    ("env value and value_from", cron(CRON_C0 + ".env", [{"name": "A", "value": "1", "value_from": {
        "field_ref": {"field_path": "metadata.name"}}}]), "value and value_from may not both be set"),
    ("no job template", cron("spec.job_template", None),
     "job.spec.job_template.spec.template.spec.containers: a job needs at least one container"),
    ("no containers", cron(CRON_POD + ".containers", []),
     "job.spec.job_template.spec.template.spec.containers: a job needs at least one container"),
    ("cronjob label", cron("metadata.labels", {"a": "b c"}), "job.metadata.labels.a: \"b c\" is not a valid label"),
    ("job template label", cron("spec.job_template.metadata.labels", {"a": "b c"}),
     "job.spec.job_template.metadata.labels.a"),
    ("pod template label", cron("spec.job_template.spec.template.metadata", {"labels": {"a": "-"}}),
     "job.spec.job_template.spec.template.metadata.labels.a"),
    ("api_version", cron("api_version", "batch/v1beta1"), 'job.api_version: expected batch/v1, got "batch/v1beta1"'),
    ("without a name", cron("metadata", {}), "job.metadata: a CronJob needs a name or a generate_name"),
]:
    case("api server rules (cronjob): " + name, "POST", "/cronjobs/", body=body, status=422, detail=expected)

# 13. Names, checked before anything is created, in the API server's terms and with the limits that count what
# Kubernetes and the proxy add (issue 13, item 3; issue 14, class 4)
SUBDOMAIN = "lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (a DNS-1123 subdomain)"
for name, body, expected in [
    ("upper-case name", job("metadata", {"name": "MyJob"}),
     "job.metadata.name: \"MyJob\" is not a valid name: " + SUBDOMAIN),
    ("name with an underscore", job("metadata", {"name": "my_job"}), "job.metadata.name: \"my_job\" is not a valid"),
    ("name ending with a dash", job("metadata", {"name": "my-job-"}), "job.metadata.name: \"my-job-\" is not a valid"),
    ("name with a space", job("metadata", {"name": "my job"}), "is not a valid name"),
    ("name of 64 characters", job("metadata", {"name": "j" * 64}),
     "job.metadata.name: at most 63 characters, got 64: a Job's name may have at most 63 (Kubernetes puts it into a"
     " label of its pods)"),
    ("name of 254 characters", job("metadata", {"name": "j" * 254}), "job.metadata.name: \"jjjj"),
    ("upper-case generate_name", job("metadata.generate_name", "MyJob-"),
     "job.metadata.generate_name: \"MyJob-\" is not a valid name prefix: " + SUBDOMAIN
     + "; Kubernetes adds 5 random characters to it"),
    ("generate_name starting with a dash", job("metadata.generate_name", "-job"), "is not a valid name prefix"),
    ("generate_name ending with a dot", job("metadata.generate_name", "job."), "is not a valid name prefix"),
    ("generate_name '-'", job("metadata.generate_name", "-"), "is not a valid name prefix"),
    ("generate_name with a slash", job("metadata.generate_name", "a/b-"), "is not a valid name prefix"),
    ("bad generate_name beside a name", job("metadata", {"name": "ok", "generate_name": "Not_OK"}),
     "job.metadata.generate_name: \"Not_OK\" is not a valid name prefix"),
    ("code generate_name", {"job": JOB, "code": at(CODE, "metadata.generate_name", "My Code")},
     "code.metadata.generate_name: \"My Code\" is not a valid name prefix"),
    ("code name", {"job": JOB, "code": at(CODE, "metadata", {"name": "Code"})},
     "code.metadata.name: \"Code\" is not a valid name"),
]:
    case("names: " + name, "POST", "/jobs/", body=body, status=422, detail=expected)
for name, body, expected in [
    ("the CLI's --name MyJob", cron("metadata", {"generate_name": "MyJob-cron-"}),
     "job.metadata.generate_name: \"MyJob-cron-\" is not a valid name prefix"),
    ("upper-case name", cron("metadata", {"name": "Nightly"}), "job.metadata.name: \"Nightly\" is not a valid name"),
    ("name of 53 characters", cron("metadata", {"name": "c" * 53}),
     "job.metadata.name: at most 52 characters, got 53: a CronJob's name may have at most 52 (the names of the jobs"
     " it starts add 11)"),
    ("generate_name of 48 characters", cron("metadata", {"generate_name": "c" * 47 + "-"}),
     "job.metadata.generate_name: at most 47 characters, got 48: Kubernetes adds 5 random characters"),
    ("the CLI's --name of 42 characters", cron("metadata", {"generate_name": "c" * 42 + "-cron-"}),
     "job.metadata.generate_name: at most 47 characters, got 48"),
]:
    case("names (cronjob): " + name, "POST", "/cronjobs/", body=body, status=422, detail=expected)

# 14. Finalizers would keep an object forever after kbatch job delete: refused wherever a user could put one
# (issue 14, class 5)
for name, body, expected in [
    ("job", job("metadata.finalizers", ["example.com/keep"]),
     "job.metadata.finalizers: may not be set; nothing would ever remove them, so the object would stay after"
     " 'kbatch job delete'"),
    ("pod template", job("spec.template.metadata.finalizers", ["example.com/keep"]),
     "job.spec.template.metadata.finalizers: may not be set"),
    ("kubernetes' own", job("metadata.finalizers", ["foregroundDeletion"]), "job.metadata.finalizers: may not be set"),
    ("code", {"job": JOB, "code": at(CODE, "metadata.finalizers", ["example.com/keep"])},
     "code.metadata.finalizers: may not be set"),
]:
    case("finalizers: " + name, "POST", "/jobs/", body=body, status=422, detail=expected)
for name, body, expected in [
    ("cronjob", cron("metadata.finalizers", ["example.com/keep"]),
     "job.metadata.finalizers: may not be set; nothing would ever remove them, so the object would stay after"
     " 'kbatch cronjob delete'"),
    ("job template", cron("spec.job_template.metadata.finalizers", ["example.com/keep"]),
     "job.spec.job_template.metadata.finalizers: may not be set"),
    ("pod template", cron("spec.job_template.spec.template.metadata", {"finalizers": ["example.com/keep"]}),
     "job.spec.job_template.spec.template.metadata.finalizers: may not be set"),
]:
    case("finalizers (cronjob): " + name, "POST", "/cronjobs/", body=body, status=422, detail=expected)
case("finalizers (cronjob): code", "POST", "/cronjobs/",
     body={"job": CRON, "code": at(CODE, "metadata.finalizers", ["x/y"])}, status=422,
     detail="code.metadata.finalizers: may not be set")

case("query: events without job_name", "GET", "/events/", status=422,
     detail="Query parameter 'job_name' is required: the job whose events to list")
case("query: events with an invalid job_name", "GET", "/events/?job_name=UP", status=422, detail="Invalid job name 'UP'")

for path in ["/jobs/%zz", "/pods/?job_name=%zz", "/jobs/a%"]:
    case("http: bad percent-encoding in " + path, "GET", path, status=400,
         detail="Bad request: the HTTP request could not be read")

with open("corpus.json", "w") as f:
    json.dump(cases, f, indent=1, ensure_ascii=False)
print(len(cases), "cases")
