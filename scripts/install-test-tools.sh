#!/usr/bin/env bash
# Installs the tools some tests use beside the JDK: promtool (Debian's prometheus package), which
# checks deploy/alerts.yml. Without it those tests are skipped, not failed. Needs root or sudo.
# Safe to run again: it skips what is already there. It starts no service.
set -euo pipefail
if command -v promtool >/dev/null; then
  echo "promtool: present ($(promtool --version 2>&1 | head -n1))"
  exit 0
fi
SUDO=""
if [[ "$(id -u)" != 0 ]]; then
  command -v sudo >/dev/null || { echo "error: need root or sudo to apt-get install prometheus (for promtool)" >&2; exit 1; }
  SUDO="sudo"
fi
echo "promtool: installing the Debian package prometheus (its service is not started)"
# policy-rc.d keeps the package's post-install step from starting a Prometheus server here.
cleanup() { $SUDO rm -f /usr/sbin/policy-rc.d; }
trap cleanup EXIT
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
else
  trap - EXIT
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends prometheus >/dev/null
promtool --version 2>&1 | head -n1
