#!/bin/sh
# Runs the kbatch-proxy benchmark (see bench/README.md): builds the server if its jar is missing or older than the
# sources (BENCH_BUILD=1: always, BENCH_BUILD=0: never), then runs bench/src/Bench.java (a multi-file source-code
# program: the launcher compiles it and the classes of bench/src/ it uses, in memory, before it starts), which starts
# everything it needs on 127.0.0.1 and stops it again.
# Settings are environment variables (BENCH_*), listed in bench/README.md. About 12 minutes on 2 cores (the real-cluster cases run where ../shared/tools/k8s can start).
set -eu
cd "$(dirname "$0")/.."

if [ -z "${JAVA_HOME:-}" ] && [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then
    JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
if [ -n "${JAVA_HOME:-}" ]; then
    export JAVA_HOME
    JAVA="$JAVA_HOME/bin/java"
else
    JAVA=java
fi

jar=demo/target/kbatch-proxy-demo.jar   # built last: newer than the server jar it depends on
if [ "${BENCH_BUILD:-auto}" = 0 ]; then
    :   # the jars as they are (Bench.java says so if one is missing)
elif [ "${BENCH_BUILD:-auto}" = 1 ] || [ ! -f "$jar" ] || [ ! -f server/target/kbatch-proxy.jar ] || \
   [ -n "$(find server/src server/pom.xml demo demo-cluster pom.xml openapi.yaml -newer "$jar" -type f -not -path '*/target/*' 2>/dev/null | head -n 1)" ]; then
    echo "bench: building the server (./mvnw -B -q -DskipTests install)"
    ./mvnw -B -q -DskipTests install
fi

BENCH_COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if ! git diff --quiet HEAD -- server demo demo-cluster pom.xml openapi.yaml 2>/dev/null; then
    BENCH_COMMIT="$BENCH_COMMIT (server sources modified)"
fi
export BENCH_COMMIT

exec "$JAVA" bench/src/Bench.java "$@"
