#!/usr/bin/env bash
# Runs one of Kafka's main classes on the image's class path, with the same environment variables as
# Kafka's own script: KAFKA_HEAP_OPTS, KAFKA_JVM_PERFORMANCE_OPTS, KAFKA_OPTS, KAFKA_LOG4J_OPTS.
set -euo pipefail
main="$1"; shift
if [[ -z "${KAFKA_LOG4J_OPTS-}" ]]; then
  case "$main" in
    kafka.Kafka) KAFKA_LOG4J_OPTS="-Dlog4j2.configurationFile=/etc/kafka/docker/log4j2.properties" ;;
    *) KAFKA_LOG4J_OPTS="-Dlog4j2.configurationFile=/etc/kafka/docker/tools-log4j2.properties" ;;
  esac
fi
# shellcheck disable=SC2086 # the *_OPTS variables hold several options each
exec java ${KAFKA_HEAP_OPTS:--Xmx1G -Xms256M} ${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseG1GC} \
  ${KAFKA_OPTS-} $KAFKA_LOG4J_OPTS -cp '/opt/kafka/libs/*' "$main" "$@"
