#!/bin/bash
# dist/release/: what a council downloads. The Linux tarball (make-tarball.sh, run first), both wheels and,
# for each, its requirements from uv.lock with every hash, then SHA256SUMS (and its signature with RELEASE_KEY).
set -euo pipefail
cd "$(dirname "$0")/.."
uv=.venv-tools/bin/uv
out=dist/release
rm -rf "$out" && mkdir -p "$out"
cp dist/iro-desktop-*-linux-x86_64.tar.gz "$out/"
"$uv" build --wheel --quiet --out-dir "$out" .
"$uv" build --wheel --quiet --out-dir "$out" installer/receiver
export_requirements() {  # $1: file name; the rest: which install
    local name=$1; shift
    "$uv" export --frozen --quiet --no-emit-workspace --no-emit-project --no-header --format requirements-txt "$@" > "$out/$name"
}
export_requirements iro-desktop-requirements.txt --no-default-groups
export_requirements iro-desktop-receiver-requirements.txt --package iro-desktop-receiver --no-dev
installer/sign-release.sh "$out"
