#!/bin/bash
# The Linux tarball from a built bundle (see installer/README.md):
#   make-tarball.sh [BUNDLE [OUT]]   BUNDLE: dist/iro-desktop; OUT: the folder for the .tar.gz, dist
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bundle=$(cd "${1:-$root/dist/iro-desktop}" && pwd)
out=$(mkdir -p "${2:-$root/dist}" && cd "${2:-$root/dist}" && pwd)
version=$("$bundle/iro-desktop" --version | cut -d' ' -f2)  # from the bundle itself: one source
name="iro-desktop-$version-linux-x86_64"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage="$work/$name" share="$work/$name/share"
mkdir -p "$share/applications" "$share/metainfo" "$share/mime/packages" "$share/icons/hicolor/scalable/apps"
cp -a "$bundle" "$stage/iro-desktop"
cp "$root/installer/linux/install.sh" "$stage/"
cp "$root/installer/linux/iro-desktop.desktop" "$share/applications/"
cp "$root/installer/linux/uk.gov.iro_desktop.metainfo.xml" "$share/metainfo/"
cp "$root/installer/linux/iro-desktop-mime.xml" "$share/mime/packages/iro-desktop.xml"
cp -r "$root/installer/icons/hicolor" "$share/icons/"
cp "$root/resources/icons/iro-desktop.svg" "$share/icons/hicolor/scalable/apps/"
# Sorted names, fixed owner, times and modes: the same bundle gives the same tarball.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@${SOURCE_DATE_EPOCH:-0}" --mode=go-w \
    -C "$work" -czf "$out/$name.tar.gz" "$name"
echo "Tarball: $out/$name.tar.gz ($(du -h "$out/$name.tar.gz" | cut -f1))"
