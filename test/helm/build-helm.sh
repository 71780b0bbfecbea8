#!/usr/bin/env bash
# Builds helm from source with Go (module proxy only; nothing prebuilt is downloaded) and caches it
# outside the repository, like test/kube/build-binaries.sh. Prints the path of the binary as its
# last line of stdout; progress goes to stderr.
#
#   test/helm/build-helm.sh               build if needed, print the path
#   test/helm/build-helm.sh --print-path  print the path; exit 1 if it is not built
#
# Cache: ${METAL_CCM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/equinix-metal-ccm}/helm/<key>/helm,
# key = helm version + Go version + platform.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../kube/versions.env
source "$here/../kube/versions.env"

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
cache_root="${METAL_CCM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/equinix-metal-ccm}/helm"
key="helm-${HELM_VERSION}_$(go env GOVERSION)_$(go env GOOS)-$(go env GOARCH)"
dir="$cache_root/$key"
helm="$dir/helm"

if [[ "${1:-}" == "--print-path" ]]; then
  echo "$helm"
  [[ -x "$helm" ]]
  exit
fi
log() { echo "build-helm: $*" >&2; }
if [[ -x "$helm" ]]; then
  echo "$helm"
  exit 0
fi

mkdir -p "$cache_root"
exec 9>"$cache_root/.lock"
log "waiting for the build lock"
flock 9
if [[ -x "$helm" ]]; then
  echo "$helm"
  exit 0
fi
work="$(mktemp -d "$cache_root/.build-XXXXXX")"
trap 'rm -rf "$work"' EXIT
major="${HELM_VERSION%%.*}"
started=$SECONDS
log "helm $HELM_VERSION: resolving modules"
(cd "$work" && go mod init helm-build >/dev/null 2>&1 && go get -tool "helm.sh/helm/$major/cmd/helm@$HELM_VERSION" >&2)
log "helm: compiling"
mkdir -p "$work/out"
(cd "$work" && nice -n 10 go build -trimpath -ldflags "-s -w -X helm.sh/helm/$major/internal/version.version=$HELM_VERSION" -o "$work/out/helm" "helm.sh/helm/$major/cmd/helm")
"$work/out/helm" version >&2
rm -rf "$dir"
mv "$work/out" "$dir"
log "built in $((SECONDS - started)) s into $dir"
echo "$helm"
