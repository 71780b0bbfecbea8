#!/usr/bin/env bash
# Builds a Go command from source (module proxy only; nothing prebuilt is downloaded) and caches it
# outside the repository; sourced by test/helm/build-helm.sh and test/promtool/build-promtool.sh.
#
#   go_tool <name> <version> <package> <ldflags> [--print-path]
#
# Prints the path of the binary as its last line of stdout (with --print-path: only the path, and
# exit 1 when it is not built); progress goes to stderr.
# Cache: ${METAL_CCM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/equinix-metal-ccm}/<name>/<key>/<name>,
# key = name + version + Go version + platform.
go_tool() {
  local name="$1" version="$2" package="$3" ldflags="$4" mode="${5:-}"
  export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
  local cache_root="${METAL_CCM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/equinix-metal-ccm}/$name"
  local dir="$cache_root/${name}-${version}_$(go env GOVERSION)_$(go env GOOS)-$(go env GOARCH)"
  local binary="$dir/$name"
  if [[ "$mode" == "--print-path" ]]; then
    echo "$binary"
    [[ -x "$binary" ]]
    return
  fi
  if [[ -x "$binary" ]]; then
    echo "$binary"
    return 0
  fi
  mkdir -p "$cache_root"
  exec 9>"$cache_root/.lock"
  echo "build-$name: waiting for the build lock" >&2
  flock 9
  if [[ -x "$binary" ]]; then
    echo "$binary"
    return 0
  fi
  local work started=$SECONDS
  work="$(mktemp -d "$cache_root/.build-XXXXXX")"
  # shellcheck disable=SC2064 # the folder is known now
  trap "rm -rf '$work'" EXIT
  echo "build-$name: $package@$version: resolving modules" >&2
  (cd "$work" && go mod init "$name-build" >/dev/null 2>&1 && go get -tool "$package@$version" >&2)
  echo "build-$name: compiling" >&2
  mkdir -p "$work/out"
  (cd "$work" && nice -n 10 go build -trimpath -ldflags "-s -w $ldflags" -o "$work/out/$name" "$package")
  rm -rf "$dir"
  mv "$work/out" "$dir"
  echo "build-$name: built in $((SECONDS - started)) s into $dir" >&2
  echo "$binary"
}
