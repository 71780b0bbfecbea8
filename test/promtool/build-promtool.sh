#!/usr/bin/env bash
# Builds promtool (Prometheus' rule checker and rule unit-test runner) from the Go module
# github.com/prometheus/prometheus and caches it outside the repository, like helm (see
# test/support/go-tool.sh). Prints the path of the binary as its last line of stdout; progress goes
# to stderr.
#
#   test/promtool/build-promtool.sh               build if needed, print the path
#   test/promtool/build-promtool.sh --print-path  print the path; exit 1 if it is not built
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../kube/versions.env
source "$here/../kube/versions.env"
# shellcheck source=../support/go-tool.sh
source "$here/../support/go-tool.sh"

go_tool promtool "$PROMETHEUS_MODULE_VERSION" github.com/prometheus/prometheus/cmd/promtool \
  "-X github.com/prometheus/common/version.Version=$PROMETHEUS_MODULE_VERSION" "${1:-}"
