#!/bin/bash
# dist/iro-desktop-<version>-linux-x86_64.tar.gz from the built bundle dist/iro-desktop/ (see installer/README.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
version=$(dist/iro-desktop/iro-desktop --version | cut -d' ' -f2)  # from the bundle itself: one source
name="iro-desktop-$version-linux-x86_64"
stage="build/tarball/$name"
rm -rf build/tarball && mkdir -p "$stage"
cp -a dist/iro-desktop "$stage/iro-desktop"
cp installer/iro-desktop.desktop installer/linux/install.sh "$stage/"
cp resources/icons/iro-desktop.svg "$stage/"
# Sorted names, fixed owner and times: the same bundle gives the same tarball.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@${SOURCE_DATE_EPOCH:-0}" \
    -C build/tarball -czf "dist/$name.tar.gz" "$name"
echo "Tarball: dist/$name.tar.gz ($(du -h "dist/$name.tar.gz" | cut -f1))"
