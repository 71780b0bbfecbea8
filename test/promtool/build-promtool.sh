#!/usr/bin/env bash
# Builds promtool (Prometheus' rule checker and rule unit-test runner) from source with Go (module
# proxy only; nothing prebuilt is downloaded) and caches it outside the repository, like
# test/helm/build-helm.sh. Prints the path of the binary as its last line of stdout; progress goes
# to stderr.
#
#   test/promtool/build-promtool.sh               build if needed, print the path
#   test/promtool/build-promtool.sh --print-path  print the path; exit 1 if it is not built
#
# Cache: ${METAL_CCM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/equinix-metal-ccm}/promtool/<key>/promtool,
# key = Prometheus module version + Go version + platform.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../kube/versions.env
source "$here/../kube/versions.env"

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
cache_root="${METAL_CCM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/equinix-metal-ccm}/promtool"
key="promtool-${PROMETHEUS_MODULE_VERSION}_$(go env GOVERSION)_$(go env GOOS)-$(go env GOARCH)"
dir="$cache_root/$key"
promtool="$dir/promtool"

if [[ "${1:-}" == "--print-path" ]]; then
  echo "$promtool"
  [[ -x "$promtool" ]]
  exit
fi
log() { echo "build-promtool: $*" >&2; }
if [[ -x "$promtool" ]]; then
  echo "$promtool"
  exit 0
fi

mkdir -p "$cache_root"
exec 9>"$cache_root/.lock"
log "waiting for the build lock"
flock 9
if [[ -x "$promtool" ]]; then
  echo "$promtool"
  exit 0
fi
work="$(mktemp -d "$cache_root/.build-XXXXXX")"
trap 'rm -rf "$work"' EXIT
started=$SECONDS
log "prometheus $PROMETHEUS_MODULE_VERSION: resolving modules"
(cd "$work" && go mod init promtool-build >/dev/null 2>&1 &&
  go get -tool "github.com/prometheus/prometheus/cmd/promtool@$PROMETHEUS_MODULE_VERSION" >&2)
log "promtool: compiling"
mkdir -p "$work/out"
(cd "$work" && nice -n 10 go build -trimpath \
  -ldflags "-s -w -X github.com/prometheus/common/version.Version=$PROMETHEUS_MODULE_VERSION" \
  -o "$work/out/promtool" github.com/prometheus/prometheus/cmd/promtool)
"$work/out/promtool" --version >&2
rm -rf "$dir"
mv "$work/out" "$dir"
log "built in $((SECONDS - started)) s into $dir"
echo "$promtool"
