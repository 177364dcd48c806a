#!/usr/bin/env bash
# Makes a Docker engine available for docker-compose and the Testcontainers integration tests.
#   scripts/docker-provision.sh up     # install Debian's docker.io and docker-compose if missing, and
#                                      # start dockerd if no engine answers
#   scripts/docker-provision.sh down   # stop the dockerd that `up` started, and nothing else
# An engine that already answers is used as it is: this script never reconfigures, restarts or stops
# a Docker setup it did not start. The daemon it starts listens on its unix socket only, with the
# overlay2 storage driver and without iptables rules (--iptables=false): containers reach each
# other on user-defined networks and publish ports to 127.0.0.1 through docker-proxy.
# Needs root (or sudo) to install and to start the daemon.
set -euo pipefail

STATE=/run/vaestream-dockerd
SUDO=""
if [[ "$(id -u)" != 0 ]]; then SUDO="sudo"; fi

engine_answers() { docker info --format '{{.ServerVersion}}' >/dev/null 2>&1; }

up() {
  if ! command -v dockerd >/dev/null || ! command -v docker-compose >/dev/null || ! command -v docker >/dev/null; then
    echo "docker: installing Debian's docker.io and docker-compose"
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      docker.io docker-compose >/dev/null
  fi
  if engine_answers; then
    echo "docker: an engine answers (server $(docker info --format '{{.ServerVersion}}')); using it as it is"
    return 0
  fi
  echo "docker: no engine answers; starting dockerd (overlay2, unix socket, no iptables)"
  $SUDO mkdir -p "$STATE"
  $SUDO sh -c "nohup dockerd --storage-driver=overlay2 --iptables=false --host=unix:///var/run/docker.sock \
    --pidfile=$STATE/dockerd.pid > $STATE/dockerd.log 2>&1 &"
  for _ in $(seq 1 60); do
    if engine_answers; then
      $SUDO touch "$STATE/started-by-vaestream"
      echo "docker: dockerd $(docker info --format '{{.ServerVersion}}') is up (log: $STATE/dockerd.log)"
      return 0
    fi
    sleep 1
  done
  echo "error: dockerd did not answer within 60 s; its log ($STATE/dockerd.log) ends with:" >&2
  $SUDO tail -n 20 "$STATE/dockerd.log" >&2 || true
  exit 1
}

down() {
  if [[ ! -e "$STATE/started-by-vaestream" ]]; then
    echo "docker: this script did not start the running engine (if any); leaving it alone"
    return 0
  fi
  pid="$($SUDO cat "$STATE/dockerd.pid" 2>/dev/null || true)"
  if [[ -n "$pid" ]] && $SUDO kill -TERM "$pid" 2>/dev/null; then
    for _ in $(seq 1 30); do $SUDO kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    echo "docker: stopped dockerd (pid $pid)"
  fi
  $SUDO rm -f "$STATE/started-by-vaestream"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
