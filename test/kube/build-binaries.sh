#!/usr/bin/env bash
# Builds kube-apiserver and etcd from source with Go (module proxy only; nothing prebuilt is
# downloaded) and caches them outside the repository, and fetches MetalLB's CRDs from the Go module
# proxy the same way. Prints the folder holding both binaries as its last line of stdout; progress
# goes to stderr.
#
#   test/kube/build-binaries.sh               fetch the CRDs and build if needed, print the folder
#   test/kube/build-binaries.sh --print-dir   print the folder; exit 1 if the binaries are not there
#   test/kube/build-binaries.sh --crds        fetch the CRDs if needed, print their folder
#
# Cache: ${METAL_CCM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/equinix-metal-ccm}/kube-binaries/<key>,
# key = kubernetes version + etcd version + Go version + platform, and .../metallb-crds/<version>.
# Delete a folder to build or fetch it again.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
go_version="$(go env GOVERSION)"
platform="$(go env GOOS)-$(go env GOARCH)"
cache_base="${METAL_CCM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/equinix-metal-ccm}"
cache_root="$cache_base/kube-binaries"
key="kubernetes-${KUBERNETES_VERSION}_etcd-${ETCD_VERSION}_${go_version}_${platform}"
dir="$cache_root/$key"

complete() { [[ -x "$dir/kube-apiserver" && -x "$dir/etcd" ]]; }

if [[ "${1:-}" == "--print-dir" ]]; then
  echo "$dir"
  complete
  exit
fi

log() { echo "build-binaries: $*" >&2; }

# MetalLB's CRDs as its release ships them: config/crd/bases/ of the module go.universe.tf/metallb,
# from the module proxy (checked against the checksum database), copied out of the module cache and
# published by renaming a complete folder into place.
crds="$cache_base/metallb-crds/$METALLB_VERSION"
fetch_crds() {
  [[ -d "$crds" ]] && return
  local module tmp
  mkdir -p "$(dirname "$crds")"
  log "MetalLB $METALLB_VERSION: fetching its CRDs from the module proxy"
  module="$(cd / && go mod download -json "go.universe.tf/metallb@$METALLB_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
  tmp="$(mktemp -d "$(dirname "$crds")/.fetch-XXXXXX")"
  cp "$module"/config/crd/bases/*.yaml "$tmp/"
  chmod -R u+w "$tmp"
  mv -T "$tmp" "$crds" 2>/dev/null || rm -rf "$tmp" # another run published it first
}
fetch_crds
if [[ "${1:-}" == "--crds" ]]; then
  echo "$crds"
  exit 0
fi

if complete; then
  echo "$dir"
  exit 0
fi

mkdir -p "$cache_root"
exec 9>"$cache_root/.lock"
log "waiting for the build lock"
flock 9
if complete; then # another run built them while we waited
  echo "$dir"
  exit 0
fi

work="$(mktemp -d "$cache_root/.build-XXXXXX")"
trap 'rm -rf "$work"' EXIT
out="$work/out"
mkdir -p "$out"
build_flags=(-trimpath -tags selinux,notest -ldflags '-s -w')

build_kube_apiserver() {
  local mod="$work/kube-apiserver" gomod minor
  mkdir -p "$mod"
  log "kube-apiserver $KUBERNETES_VERSION: reading its go.mod"
  gomod="$(cd "$mod" && go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')"
  # k8s.io/kubernetes requires its staging modules at v0.0.0 and replaces them with local folders;
  # outside its tree each must be replaced by its published v0.<minor>.<patch>.
  minor="v0.${KUBERNETES_VERSION#v1.}"
  {
    echo "module kube-apiserver-build"
    echo
    echo "go $(go env GOVERSION | sed 's/^go//; s/^\([0-9]*\.[0-9]*\).*/\1/')"
    echo
    sed -n 's#^[[:space:]]*\(k8s\.io/[^[:space:]]*\) => \./staging/src/.*#\1#p' "$gomod" |
      while read -r m; do echo "replace $m => $m $minor"; done
  } >"$mod/go.mod"
  log "kube-apiserver: resolving modules"
  (cd "$mod" && go get "k8s.io/kubernetes/cmd/kube-apiserver@$KUBERNETES_VERSION" >&2)
  log "kube-apiserver: compiling"
  (cd "$mod" && nice -n 10 go build "${build_flags[@]}" -o "$out/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver)
}

build_etcd() {
  local mod="$work/etcd"
  mkdir -p "$mod"
  log "etcd $ETCD_VERSION: resolving modules"
  (cd "$mod" && go mod init etcd-build >/dev/null 2>&1 && go get -tool "go.etcd.io/etcd/server/v3@$ETCD_VERSION" >&2)
  log "etcd: compiling"
  (cd "$mod" && nice -n 10 go build "${build_flags[@]}" -o "$out/etcd" go.etcd.io/etcd/server/v3)
}

started=$SECONDS
build_etcd
build_kube_apiserver
"$out/kube-apiserver" --version >&2
"$out/etcd" --version >&2
# Publish atomically: the folder appears complete or not at all.
rm -rf "$dir"
mv "$out" "$dir"
log "built in $((SECONDS - started)) s into $dir"
echo "$dir"
