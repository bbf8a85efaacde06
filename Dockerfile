# kbatch-proxy (Java) image. Build at the repository root:
#
#   docker build -t kbatch-proxy .
#
# Run: docker run -p 8080:8080 -e JUPYTERHUB_API_URL=http://hub:8081/hub/api kbatch-proxy
# (in Kubernetes use the Helm chart in helm/kbatch-proxy; its probes check /observe/health).

# --- build: the server jar and its dependencies (server/target/kbatch-proxy.jar + server/target/libs/), and the demo
#     jar (demo/target/), which only the class-data training below runs ---
FROM eclipse-temurin:21-jdk AS build
WORKDIR /src

# The build definition first: the dependency layer below is rebuilt only when a pom or the wrapper changes.
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
COPY generated-client/pom.xml generated-client/
COPY server/pom.xml server/
COPY demo-cluster/pom.xml demo-cluster/
COPY demo/pom.xml demo/
RUN ./mvnw -B -q dependency:go-offline

# Then the sources: the contract (both generated modules read it), the client, the server and the demo. Only what
# the image needs is built: the tests are neither compiled nor run here (CI runs them), so their sources need not be
# here.
COPY openapi.yaml ./
COPY generated-client/ generated-client/
COPY server/ server/
COPY demo-cluster/ demo-cluster/
COPY demo/ demo/
RUN ./mvnw -B -Dmaven.test.skip=true package

# --- runtime: a JRE, the jar and its libs, a non-root user ---
FROM eclipse-temurin:21-jre AS runtime
RUN groupadd --system --gid 10001 kbatch \
    && useradd --system --uid 10001 --gid kbatch --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin kbatch
WORKDIR /app
# The jar's manifest names its dependencies as libs/*.jar (Class-Path), next to it.
COPY --from=build /src/server/target/libs/ /app/libs/
COPY --from=build /src/server/target/kbatch-proxy.jar /app/kbatch-proxy.jar

# --- class-data training: the runtime plus the demo, which the final image does not carry ---
# Class-data sharing (AppCDS): a training run (docker/cds-training.sh) records the classes the server loads serving
# a CLI session's requests (through the demo: the production jar's code on an embedded cluster with a demo token)
# and in a production start (the production jar with a kubeconfig and a hub URL); `java -Xshare:dump` writes them,
# as far as the production jar and its libs hold them, to /app/kbatch-proxy.jsa. Every start maps it instead of
# loading and verifying those classes from the jars again (ready in about half the time, see bench/README.md). Same
# JVM and class path as at run time (the archive is only valid for them; a JVM that cannot use it starts without it).
FROM runtime AS cds-training
COPY --from=build /src/demo/target/libs/ /opt/demo/libs/
COPY --from=build /src/demo/target/kbatch-proxy-demo.jar /opt/demo/kbatch-proxy-demo.jar
COPY docker/cds-training.sh /tmp/cds-training.sh
RUN DEMO_JAR=/opt/demo/kbatch-proxy-demo.jar bash /tmp/cds-training.sh /app/kbatch-proxy.jsa -XX:+UseSerialGC

# --- the image: the runtime and the archive; no demo, no mock server ---
FROM runtime
COPY --from=cds-training /app/kbatch-proxy.jsa /app/kbatch-proxy.jsa
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["java", "-XX:SharedArchiveFile=/app/kbatch-proxy.jsa", "-jar", "/app/kbatch-proxy.jar"]
