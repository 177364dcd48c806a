#!/usr/bin/env bash
# Builds the images that docker-compose.yml and the integration tests run, on any Docker engine,
# including one that cannot reach public registries.
#
#   scripts/docker-images.sh              # base images: public where present or pullable, else stand-ins
#   scripts/docker-images.sh --stand-ins  # base images: always the local stand-ins
#
# For each public base image this project uses (eclipse-temurin JDK and JRE, apache/kafka, apicurio,
# prom/prometheus) it takes the public image when the engine has it or can pull it. Otherwise it
# builds a stand-in under its own name, never the public one:
#   vaestream-local/debian:bookworm   debootstrap --variant=minbase bookworm, imported
#   vaestream-local/jdk:17, jre:17    Debian's OpenJDK 17 (docker/local/java.Dockerfile)
#   vaestream-local/kafka:4.4.0       Apache Kafka's jars from Maven Central (docker/local/kafka/)
#   vaestream-local/prometheus:2      Debian's prometheus package (docker/local/prometheus.Dockerfile)
#   vaestream-local/apicurio-registry:2.6.13.Final  Apicurio Registry's server from Maven Central (docker/local/apicurio/)
# Then it builds vaestream/detector and vaestream/tools from this checkout (Dockerfile) on the chosen
# JDK and JRE, and writes the chosen names to target/docker/images.env:
#   docker-compose --env-file target/docker/images.env up      # compose reads VAESTREAM_*_IMAGE
#   ./mvnw verify             # so do the integration tests (from target/docker/classpath)
# Builds use the host's network (--network host), and the local JDK image trusts the certificate
# authorities this machine added under /usr/local/share/ca-certificates (a proxy's, for example).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

KAFKA_VERSION=4.4.0
APICURIO_VERSION=2.6.13.Final
VAESTREAM_VERSION=0.1.0
OUT=target/docker
mkdir -p "$OUT"
FORCE_LOCAL=false
if [[ "${1:-}" == "--stand-ins" ]]; then FORCE_LOCAL=true; fi

SECONDS=0
TIMES="$OUT/build-times.txt"
LOGS="$OUT/logs"
mkdir -p "$LOGS"
: > "$TIMES"
step() { # name, command...: runs a build step, its output in $LOGS, and records its wall-clock seconds
  local name="$1" start=$SECONDS log; shift
  log="$LOGS/$(echo "$name" | tr -c 'a-zA-Z0-9.\n-' '_').log"
  echo "docker-images: $name" >&2
  if ! "$@" > "$log" 2>&1; then
    echo "error: $name failed; the end of $log:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
  echo "$name $((SECONDS - start))" >> "$TIMES"
}

have() { docker image inspect "$1" >/dev/null 2>&1; }
# public_or_local PUBLIC LOCAL BUILD_FUNCTION: prints the image to use, building the stand-in if needed.
public_or_local() {
  local public="$1" local_name="$2" build="$3"
  if ! $FORCE_LOCAL && { have "$public" || timeout 60 docker pull -q "$public" >/dev/null 2>&1; }; then
    echo "docker-images: using $public" >&2
    echo "$public"
    return
  fi
  if ! have "$local_name"; then
    echo "docker-images: $public cannot be pulled here; building the stand-in $local_name" >&2
    $build >&2
  else
    echo "docker-images: $public cannot be pulled here; using the stand-in $local_name" >&2
  fi
  echo "$local_name"
}

debian_base() {
  have vaestream-local/debian:bookworm && return
  command -v debootstrap >/dev/null || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
  local root="$OUT/rootfs-bookworm"
  rm -rf "$root"
  step "debian-base (debootstrap)" debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian
  # As Debian's own images do: apt keeps no package files or lists in the image's layers, and
  # packages install no documentation, manual pages or translations (copyright files stay).
  cat > "$root/etc/dpkg/dpkg.cfg.d/docker-slim" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
DPKG
  find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  rm -rf "$root"/usr/share/man/* "$root"/usr/share/info/*
  # OpenJDK's post-install step links its manual page there; the folder must exist, though empty.
  mkdir -p "$root/usr/share/man/man1"
  find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
  cat > "$root/etc/apt/apt.conf.d/docker-clean" <<'APT'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT
  printf 'APT::Install-Recommends "false";\n' > "$root/etc/apt/apt.conf.d/docker-no-recommends"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | docker import - vaestream-local/debian:bookworm >/dev/null
  rm -rf "$root"
}

java_image() { # tag, packages
  debian_base
  local ca=docker/local/ca
  rm -rf "$ca" && mkdir -p "$ca"
  cp /usr/local/share/ca-certificates/*.crt "$ca"/ 2>/dev/null || true
  step "$1" docker build --network host -f docker/local/java.Dockerfile \
    --build-arg "JAVA_PACKAGES=$2" -t "$1" docker/local
}
build_jdk() { java_image vaestream-local/jdk:17 "openjdk-17-jdk-headless curl unzip zip"; }
build_jre() { java_image vaestream-local/jre:17 "openjdk-17-jre-headless"; }
build_kafka() {
  have vaestream-local/jre:17 || build_jre
  rm -rf docker/local/kafka/libs
  step "kafka jars (Maven Central)" ./mvnw -B -q -f docker/local/kafka/pom.xml \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=libs
  step vaestream-local/kafka:$KAFKA_VERSION docker build --network host \
    --build-arg JRE_IMAGE=vaestream-local/jre:17 -t vaestream-local/kafka:$KAFKA_VERSION docker/local/kafka
}
build_registry() {
  have vaestream-local/jre:17 || build_jre
  rm -rf docker/local/apicurio/app
  step "apicurio registry (Maven Central)" ./mvnw -B -q -N dependency:unpack \
    -Dartifact=io.apicurio:apicurio-registry-app:$APICURIO_VERSION:zip:all -DoutputDirectory=docker/local/apicurio/app
  step vaestream-local/apicurio-registry:$APICURIO_VERSION docker build --network host \
    --build-arg JRE_IMAGE=vaestream-local/jre:17 -t vaestream-local/apicurio-registry:$APICURIO_VERSION \
    docker/local/apicurio
}
build_prometheus() {
  debian_base
  step vaestream-local/prometheus:2 docker build --network host -f docker/local/prometheus.Dockerfile \
    -t vaestream-local/prometheus:2 docker/local
}

JDK_IMAGE=$(public_or_local eclipse-temurin:17.0.15_6-jdk vaestream-local/jdk:17 build_jdk)
JRE_IMAGE=$(public_or_local eclipse-temurin:17.0.15_6-jre vaestream-local/jre:17 build_jre)
KAFKA_IMAGE=$(public_or_local apache/kafka:$KAFKA_VERSION vaestream-local/kafka:$KAFKA_VERSION build_kafka)
PROMETHEUS_IMAGE=$(public_or_local prom/prometheus:v3.5.0 vaestream-local/prometheus:2 build_prometheus)
REGISTRY_IMAGE=$(public_or_local apicurio/apicurio-registry-mem:$APICURIO_VERSION \
  vaestream-local/apicurio-registry:$APICURIO_VERSION build_registry)

for target in detector tools; do
  step "vaestream/$target:$VAESTREAM_VERSION" docker build --network host --target "$target" \
    --build-arg "JDK_IMAGE=$JDK_IMAGE" --build-arg "JRE_IMAGE=$JRE_IMAGE" \
    -t "vaestream/$target:$VAESTREAM_VERSION" .
done

# Testcontainers' resource reaper (Ryuk) has no stand-in: where its image cannot be had, the
# integration tests run without it and stop their containers themselves (they log so).
RYUK_IMAGE=testcontainers/ryuk:0.12.0
RYUK_DISABLED=false
if ! have "$RYUK_IMAGE" && ! timeout 60 docker pull -q "$RYUK_IMAGE" >/dev/null 2>&1; then
  echo "docker-images: $RYUK_IMAGE cannot be pulled here; the integration tests will run without Ryuk"
  RYUK_DISABLED=true
fi

# Testcontainers checks the engine (disk space) in a container of its "tiny image", alpine; the
# Debian base serves where alpine cannot be pulled.
TINY_IMAGE=alpine:3.17
if ! have "$TINY_IMAGE" && ! timeout 60 docker pull -q "$TINY_IMAGE" >/dev/null 2>&1; then
  debian_base
  TINY_IMAGE=vaestream-local/debian:bookworm
fi

cat > "$OUT/images.env" <<ENV
VAESTREAM_JDK_IMAGE=$JDK_IMAGE
VAESTREAM_JRE_IMAGE=$JRE_IMAGE
VAESTREAM_KAFKA_IMAGE=$KAFKA_IMAGE
VAESTREAM_PROMETHEUS_IMAGE=$PROMETHEUS_IMAGE
VAESTREAM_REGISTRY_IMAGE=$REGISTRY_IMAGE
VAESTREAM_DETECTOR_IMAGE=vaestream/detector:$VAESTREAM_VERSION
VAESTREAM_TOOLS_IMAGE=vaestream/tools:$VAESTREAM_VERSION
TESTCONTAINERS_RYUK_DISABLED=$RYUK_DISABLED
TESTCONTAINERS_TINYIMAGE_CONTAINER_IMAGE=$TINY_IMAGE
ENV
# The same choices for the tests' class path, which ./mvnw verify adds (target/docker/classpath):
# the image names for the tests themselves, and Testcontainers' own settings in its properties
# file. Variables set in the environment still win over both.
mkdir -p "$OUT/classpath"
grep '^VAESTREAM_' "$OUT/images.env" > "$OUT/classpath/vaestream-images.properties"
cat > "$OUT/classpath/testcontainers.properties" <<PROPS
ryuk.disabled=$RYUK_DISABLED
tinyimage.container.image=$TINY_IMAGE
PROPS
echo "docker-images: done in ${SECONDS}s; images in $OUT/images.env, step times in $TIMES"
docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E '^(vaestream|eclipse-temurin|apache/kafka|prom/|apicurio/)' \
  | sort | tee "$OUT/image-sizes.txt" || true
