#!/usr/bin/env bash
# Builds helm from source with Go and caches it outside the repository, like
# test/kube/build-binaries.sh (see test/support/go-tool.sh). Prints the path of the binary as its
# last line of stdout; progress goes to stderr.
#
#   test/helm/build-helm.sh               build if needed, print the path
#   test/helm/build-helm.sh --print-path  print the path; exit 1 if it is not built
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../kube/versions.env
source "$here/../kube/versions.env"
# shellcheck source=../support/go-tool.sh
source "$here/../support/go-tool.sh"

major="${HELM_VERSION%%.*}"
go_tool helm "$HELM_VERSION" "helm.sh/helm/$major/cmd/helm" \
  "-X helm.sh/helm/$major/internal/version.version=$HELM_VERSION" "${1:-}"
