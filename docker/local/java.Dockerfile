# A JDK or JRE image from Debian's OpenJDK 17, on the local Debian base, for machines that cannot
# pull eclipse-temurin. scripts/docker-images.sh builds it twice:
#   vaestream-local/jdk:17  (JAVA_PACKAGES="openjdk-17-jdk-headless curl unzip zip": the Maven wrapper's needs)
#   vaestream-local/jre:17  (JAVA_PACKAGES=openjdk-17-jre-headless)
# ca/ holds the certificate authorities the building machine added locally (a proxy's, say), which
# the image trusts too, for Java as well (ca-certificates-java); it may be empty.
ARG BASE_IMAGE=vaestream-local/debian:bookworm
FROM ${BASE_IMAGE}
ARG JAVA_PACKAGES=openjdk-17-jre-headless
COPY ca/ /usr/local/share/ca-certificates/
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates ${JAVA_PACKAGES} \
 && update-ca-certificates > /dev/null \
 && rm -rf /var/lib/apt/lists/*
ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64 \
    LANG=C.UTF-8
