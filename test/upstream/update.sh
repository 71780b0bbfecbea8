#!/usr/bin/env bash
# Copies the upstream CCM's flag list from ../shared (where the project keeps its reference
# material) into the repository, so that a clone alone runs the tests that read it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
{
  echo "# Provenance: a copy of ../shared/upstream-flags.txt, made by test/upstream/update.sh; do not edit."
  cat "$here/../../../shared/upstream-flags.txt"
} >"$here/flags.txt"
