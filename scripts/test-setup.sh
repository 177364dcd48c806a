#!/usr/bin/env bash
# What the tests need beside the JDK, set up on first use. `./mvnw verify` runs this before it
# builds anything (skipped with -DskipTests); it is safe to run again, and skips what is there.
#   1. the data (scripts/fetch-data.sh): Fashion-MNIST and the MNIST digits; stops the build with
#      a clear message where it cannot install them;
#   2. the test tools (scripts/install-test-tools.sh): promtool and the Python registry client;
#      without them the tests that use them are skipped, so a failure here only warns;
#   3. where a Docker engine answers, the images the integration tests run
#      (scripts/docker-images.sh: local stand-ins where public registries cannot be reached),
#      which the tests then find on their class path. Without an engine the tests use the
#      embedded broker, and the container tests are skipped. Starting an engine is left to you
#      (scripts/docker-provision.sh up starts one on a machine like CI's).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/fetch-data.sh
if ! scripts/install-test-tools.sh; then
  echo "test-setup: warning: the test tools could not be installed; the tests that need them will be skipped" >&2
fi
if docker info >/dev/null 2>&1; then
  echo "test-setup: a Docker engine answers; building or reusing the test images (scripts/docker-images.sh)"
  scripts/docker-images.sh
else
  echo "test-setup: no Docker engine answers; the integration tests use the embedded broker"
fi
