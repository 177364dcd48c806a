# Multi-stage build of the vaestream images (CPU). Targets:
#   detector  - the Kafka Streams detector alone (no DL4J), on a JRE
#   tools     - the whole command line (train, produce, tail, demo, ...), on a JRE
# The GPU detector is Dockerfile.gpu.
# The base images are build arguments. Their defaults are the public images, so `docker build` and
# `docker compose build` need nothing else; scripts/docker-images.sh passes local stand-ins built
# from Debian's packages on machines that cannot pull them (docs/deployment.md).
ARG JDK_IMAGE=eclipse-temurin:17.0.15_6-jdk
ARG JRE_IMAGE=eclipse-temurin:17.0.15_6-jre

FROM ${JDK_IMAGE} AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
COPY schemas/pom.xml schemas/
COPY embedded-kafka/pom.xml embedded-kafka/
COPY trainer/pom.xml trainer/
COPY detector/pom.xml detector/
COPY tools/pom.xml tools/
COPY bench/pom.xml bench/
# The images need the detector and the command line, not the benchmark harness (module bench).
RUN ./mvnw -B -q -pl detector,tools -am dependency:go-offline -DexcludeReactor=true || true
COPY . .
RUN ./mvnw -B -q -DskipTests -Dspotless.check.skip -Dcheckstyle.skip -pl detector,tools -am install \
 && mkdir -p /out/detector/lib /out/tools/lib \
 && cp detector/target/vaestream-detector-*.jar /out/detector/lib/ \
 && tr ':' '\n' < detector/target/classpath.txt | xargs -I{} cp {} /out/detector/lib/ \
 && cp tools/target/vaestream-tools-*.jar /out/tools/lib/ \
 && tr ':' '\n' < tools/target/classpath.txt | xargs -I{} cp {} /out/tools/lib/
# ONNX Runtime and RocksDB ship natives for every platform (and Windows debug symbols: 133 MB and
# 70 MB of jar); the image keeps Linux's, for x86-64 and arm64.
RUN command -v zip > /dev/null || { apt-get update && apt-get install -y --no-install-recommends zip; } \
 && for lib in /out/detector/lib /out/tools/lib; do \
      zip -q -d "$lib"/onnxruntime-*.jar 'ai/onnxruntime/native/win-*' 'ai/onnxruntime/native/osx-*'; \
      zip -q -d "$lib"/rocksdbjni-*.jar '*musl*' '*.jnilib' '*.dll' '*linux32*' '*ppc64le*' '*s390x*' '*riscv64*'; \
    done

FROM ${JRE_IMAGE} AS detector
RUN useradd --system --uid 10001 --home-dir /app vaestream && mkdir -p /app/state && chown vaestream /app/state
COPY --from=build /out/detector/lib /app/lib
USER 10001
WORKDIR /app
ENV VAESTREAM_HTTP_BIND_ADDRESS=0.0.0.0 \
    VAESTREAM_HTTP_PORT=8080 \
    VAESTREAM_STATE_DIR=/app/state
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD bash -c 'p=${VAESTREAM_HTTP_PORT:-8080}; [ "$p" = 0 ] && exit 0; exec 3<>/dev/tcp/127.0.0.1/$p && printf "GET /ready HTTP/1.0\r\n\r\n" >&3 && head -1 <&3 | grep -q " 200 "'
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-cp", "/app/lib/*", "io.vaestream.detector.DetectorApp"]

FROM ${JRE_IMAGE} AS tools
RUN useradd --system --uid 10001 --home-dir /app vaestream && mkdir -p /app /models && chown vaestream /app /models
COPY --from=build /out/tools/lib /app/lib
USER 10001
WORKDIR /app
ENV OMP_WAIT_POLICY=PASSIVE
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-cp", "/app/lib/*", "io.vaestream.tools.VaestreamApp"]
CMD ["--help"]
