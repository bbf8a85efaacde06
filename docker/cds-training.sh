#!/bin/bash
# AppCDS training run (see the Dockerfile and bench/README.md): starts the server in demo mode (embedded Kubernetes
# API, no cluster, no hub) with -XX:ArchiveClassesAtExit, waits until /observe/health answers, makes the requests of
# a CLI session (submit with code, list, show, cronjobs, pods, errors) so that the request path's classes are archived
# too, then stops it with SIGTERM: the JVM writes the archive as it exits.
#
#   cds-training.sh ARCHIVE [JVM options...]
#
# Environment: JAVA (default: java on the PATH), JAR (default /app/kbatch-proxy.jar), CDS_PORT (default 8080).
# Needs only bash (HTTP through bash's /dev/tcp; the JRE image need not have curl). Fails when no archive was written.
set -euo pipefail
export LC_ALL=C

archive=${1:?usage: cds-training.sh ARCHIVE [JVM options...]}
shift
java=${JAVA:-java}
jar=${JAR:-/app/kbatch-proxy.jar}
port=${CDS_PORT:-8080}
log=$(mktemp)

rm -f "$archive"
env -u JAVA_TOOL_OPTIONS -u JDK_JAVA_OPTIONS -u KUBECONFIG -u JUPYTERHUB_API_URL \
    KBATCH_HOST=127.0.0.1 KBATCH_PORT="$port" \
    "$java" "$@" -XX:ArchiveClassesAtExit="$archive" -jar "$jar" --demo >"$log" 2>&1 &
pid=$!

# One HTTP/1.1 request with the demo token; prints the status code. Reads the whole answer (by Content-Length or
# chunked): the server leaves the connection open even after "Connection: close".
request() {
    local method=$1 path=$2 body=${3-} status line length=0 chunked= size
    exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
    printf '%s %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nAuthorization: token demo-token\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' \
        "$method" "$path" "$port" "${#body}" "$body" >&3
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

ready=
for _ in $(seq 600); do
    kill -0 "$pid" 2>/dev/null || break
    case "$(request GET /observe/health 2>/dev/null || true)" in
        2??) ready=1; break ;;
    esac
    sleep 0.1
done
if [ -z "$ready" ]; then
    echo "cds-training: the server did not become ready; its output:" >&2
    cat "$log" >&2
    kill -KILL "$pid" 2>/dev/null || true
    exit 1
fi

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
echo "cds-training: request statuses: ${statuses[*]}"

kill -TERM "$pid"
wait "$pid" || true
if [ ! -s "$archive" ]; then
    echo "cds-training: no archive written at $archive; the server's output:" >&2
    cat "$log" >&2
    exit 1
fi
rm -f "$log"
echo "cds-training: wrote $archive ($(du -k "$archive" | cut -f1) KiB)"
