#!/bin/bash
# AppCDS training (see the Dockerfile and bench/README.md). Two runs record the classes the server loads, and one
# static archive is dumped from both lists, for the production jar's class path (what only the demo loads, its
# embedded cluster and mock server, is not in that class path and is left out):
#   1. the demo (DEMO_JAR: the production code on an embedded Kubernetes API, no cluster, no hub): the requests of a
#      CLI session (submit with code, list, show, cronjobs, pods, errors), so that the request path's classes are
#      archived;
#   2. while that runs, the server as it runs in production: a kubeconfig (pointing at the demo's embedded API) and a
#      hub URL, so that what only such a start loads is archived too (fabric8's configuration loading, Helidon's web
#      client for the hub: ~850 classes a demo-mode start never loads); the hub is not there (its requests are 503).
# Both are stopped with SIGTERM, then `java -Xshare:dump` writes ARCHIVE from the merged lists.
#
#   cds-training.sh ARCHIVE [JVM options...]
#
# Environment: JAVA (default: java on the PATH), JAR (default /app/kbatch-proxy.jar), DEMO_JAR (default
# /opt/demo/kbatch-proxy-demo.jar), CDS_PORT (default 8080; the second run uses the port after it). Needs only bash and awk (HTTP through bash's /dev/tcp; the JRE image need not
# have curl). Fails when no archive was written.
set -euo pipefail
export LC_ALL=C

archive=${1:?usage: cds-training.sh ARCHIVE [JVM options...]}
shift
java=${JAVA:-java}
jar=${JAR:-/app/kbatch-proxy.jar}
demo_jar=${DEMO_JAR:-/opt/demo/kbatch-proxy-demo.jar}
port=${CDS_PORT:-8080}
work=$(mktemp -d)
log=$work/demo.log
trap 'rm -rf "$work"' EXIT

rm -f "$archive"
env -u JAVA_TOOL_OPTIONS -u JDK_JAVA_OPTIONS -u KUBECONFIG -u JUPYTERHUB_API_URL \
    KBATCH_HOST=127.0.0.1 KBATCH_PORT="$port" \
    "$java" "$@" -XX:DumpLoadedClassList="$work/demo.classlist" -jar "$demo_jar" >"$log" 2>&1 &
pid=$!

# One HTTP/1.1 request with the demo token to the server on port $target; prints the status code. Reads the whole answer (by Content-Length or
# chunked): the server leaves the connection open even after "Connection: close".
request() {
    local method=$1 path=$2 body=${3-} status line length=0 chunked= size
    exec 3<>"/dev/tcp/127.0.0.1/$target" || return 1
    printf '%s %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nAuthorization: token demo-token\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' \
        "$method" "$path" "$target" "${#body}" "$body" >&3
    IFS=' ' read -r -t 30 _ status _ <&3 || status=000
    while IFS= read -r -t 30 line <&3 && [ -n "${line%$'\r'}" ]; do
        line=${line%$'\r'}
        case ${line,,} in
            content-length:*) length=${line#*:}; length=${length// /} ;;
            transfer-encoding:*chunked*) chunked=1 ;;
        esac
    done
    if [ -n "$chunked" ]; then
        while IFS= read -r -t 30 size <&3; do
            size=$((16#${size%$'\r'}))
            [ "$size" -eq 0 ] && break
            read -r -t 30 -N "$size" _ <&3 || break
            read -r -t 30 _ <&3 || break
        done
    elif [ "$length" -gt 0 ]; then
        read -r -t 30 -N "$length" _ <&3 || true
    fi
    exec 3<&-
    echo "$status"
}

# Waits until the server on port $target (process $1, output in $2) answers /observe/health, or fails.
await_ready() {
    local server=$1 output=$2
    for _ in $(seq 600); do
        kill -0 "$server" 2>/dev/null || break
        case "$(request GET /observe/health 2>/dev/null || true)" in
            2??) return 0 ;;
        esac
        sleep 0.1
    done
    echo "cds-training: the server did not become ready; its output:" >&2
    cat "$output" >&2
    kill -KILL "$server" 2>/dev/null || true
    exit 1
}

target=$port
await_ready "$pid" "$log"

# A CLI session's requests (ASCII bodies: Content-Length is the string's length). The code is an empty zip.
container='"containers": [{"name": "job", "image": "busybox", "command": ["sh", "-c", "echo hi"], "env": [{"name": "GREETING", "value": "hi"}]}]'
code='{"api_version": "v1", "kind": "ConfigMap", "metadata": {"generate_name": "cds-"}, "binary_data": {"code": "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA=="}}'
job='{"job": {"api_version": "batch/v1", "kind": "Job", "metadata": {"generate_name": "cds-"}, "spec": {"backoff_limit": 0, "template": {"spec": {"restart_policy": "Never", '"$container"'}}}}, "code": '"$code"'}'
cron='{"job": {"api_version": "batch/v1", "kind": "CronJob", "metadata": {"generate_name": "cds-"}, "spec": {"schedule": "0 3 * * *", "job_template": {"spec": {"template": {"spec": {"restart_policy": "Never", '"$container"'}}}}}}}'
statuses=()
for _ in 1 2; do
    statuses+=("$(request GET /)" "$(request GET /authorized)" "$(request GET /profiles/)")
    statuses+=("$(request POST /jobs/ "$job")" "$(request GET /jobs/)" "$(request GET /jobs)" "$(request GET /jobs/nope)")
    statuses+=("$(request POST /jobs/ '{"job": {"spec": {"nope": 1}}}')")
    statuses+=("$(request POST /cronjobs/ "$cron")" "$(request GET /cronjobs/)" "$(request GET /pods/)")
    statuses+=("$(request GET /observe/metrics)" "$(request GET /openapi)")
done
echo "cds-training: demo requests: ${statuses[*]}"

# The second run: configured as in production, against the demo's embedded API, with a hub that is not there.
api=$(sed -n 's/^Embedded Kubernetes API: *//p' "$log" | head -n 1)
cat >"$work/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters: [{name: training, cluster: {server: "$api"}}]
contexts: [{name: training, context: {cluster: training, user: training}}]
current-context: training
users: [{name: training, user: {token: training}}]
EOF
env -u JAVA_TOOL_OPTIONS -u JDK_JAVA_OPTIONS KUBECONFIG="$work/kubeconfig" JUPYTERHUB_API_URL=http://127.0.0.1:9/hub/api \
    KBATCH_HOST=127.0.0.1 KBATCH_PORT=$((port + 1)) \
    "$java" "$@" -XX:DumpLoadedClassList="$work/production.classlist" -jar "$jar" >"$work/production.log" 2>&1 &
production=$!
target=$((port + 1))
await_ready "$production" "$work/production.log"
statuses=("$(request GET /)" "$(request GET /authorized)" "$(request GET /jobs/)" "$(request GET /observe/metrics)")
echo "cds-training: production-mode requests (no hub: 503 expected): ${statuses[*]}"

kill -TERM "$production" "$pid"
wait "$production" || true
wait "$pid" || true

# One list: the demo run's, then the classes only the second run loaded (their ids renumbered after the first
# list's; an id only names a class within its list).
awk '
    FNR == 1 { file++ }
    /^#/ || NF == 0 { next }
    /^@/ { if (!(seen_at[$0]++)) print; next }
    {
        if ($1 in known) next
        known[$1] = 1
        if (file == 1) { if ($2 == "id:" && $3 + 0 > last) last = $3 + 0; print; next }
        print $1 " id: " (++last)
    }' "$work/demo.classlist" "$work/production.classlist" >"$work/merged.classlist"
"$java" "$@" -Xshare:dump -XX:SharedClassListFile="$work/merged.classlist" -XX:SharedArchiveFile="$archive" \
    -jar "$jar" >"$work/dump.log" 2>&1 || true
if [ ! -s "$archive" ]; then
    echo "cds-training: no archive written at $archive; the dump's output:" >&2
    cat "$work/dump.log" >&2
    exit 1
fi
echo "cds-training: wrote $archive ($(du -k "$archive" | cut -f1) KiB, $(grep -vc '^[#@]' "$work/merged.classlist") classes listed)"
