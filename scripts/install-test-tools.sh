#!/usr/bin/env bash
# Installs the tools some tests use beside the JDK. Without them those tests are skipped, not failed.
#   promtool (Debian's prometheus package): checks deploy/alerts.yml.
#   python3-confluent-kafka (Debian) and fastavro: PythonRegistryClientIT runs the Python example
#   of docs/wire-format.md. Debian does not package fastavro, which confluent_kafka's Avro
#   serializer needs; it comes from pip's configured index, where there is one.
# Needs root or sudo. Safe to run again: it skips what is already there. It starts no service.
set -euo pipefail
SUDO=""
if [[ "$(id -u)" != 0 ]]; then
  command -v sudo >/dev/null || { echo "error: need root or sudo to apt-get install test tools" >&2; exit 1; }
  SUDO="sudo"
fi
updated=""
apt_install() {
  if [[ -z "$updated" ]]; then
    $SUDO apt-get update -qq
    updated=1
  fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if command -v promtool >/dev/null; then
  echo "promtool: present ($(promtool --version 2>&1 | head -n1))"
else
  echo "promtool: installing the Debian package prometheus (its service is not started)"
  # policy-rc.d keeps the package's post-install step from starting a Prometheus server here.
  cleanup() { $SUDO rm -f /usr/sbin/policy-rc.d; }
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    trap cleanup EXIT
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
  fi
  apt_install prometheus
  promtool --version 2>&1 | head -n1
fi

PY=/usr/bin/python3
if $PY -c "import confluent_kafka.schema_registry.avro" 2>/dev/null; then
  echo "python registry client: present (confluent_kafka $($PY -c 'import confluent_kafka; print(confluent_kafka.version()[0])'))"
else
  $PY -c "import confluent_kafka" 2>/dev/null || { echo "python registry client: installing python3-confluent-kafka"; apt_install python3-confluent-kafka; }
  $PY -c "import fastavro" 2>/dev/null || $PY -c "import pip" 2>/dev/null || apt_install python3-pip
  if $PY -c "import fastavro" 2>/dev/null || $SUDO $PY -m pip install -q --break-system-packages fastavro; then
    echo "python registry client: ready (confluent_kafka with fastavro)"
  else
    echo "warning: fastavro could not be installed; PythonRegistryClientIT will be skipped" >&2
  fi
fi
