#!/bin/sh
# Install iro-desktop from this folder (the unpacked tarball).
#   ./install.sh              for this user: ~/.local/opt/iro-desktop, menu entry, ~/.local/bin/iro-desktop
#   sudo ./install.sh --system for everyone: /opt/iro-desktop, /usr/local/share, /usr/local/bin
#   add --uninstall to either to remove what it put there (stores and backups are never touched)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
MODE=user ACTION=install
for arg in "$@"; do
    case "$arg" in
        --system) MODE=system ;;
        --uninstall) ACTION=uninstall ;;
        *) echo "Usage: $0 [--system] [--uninstall]" >&2; exit 2 ;;
    esac
done
if [ "$MODE" = system ]; then
    OPT=/opt/iro-desktop SHARE=/usr/local/share BIN=/usr/local/bin
else
    OPT="$HOME/.local/opt/iro-desktop" SHARE="${XDG_DATA_HOME:-$HOME/.local/share}" BIN="$HOME/.local/bin"
fi
# What goes into the share folder, from share/ beside this script: the menu entry, the software centre's
# metadata, the handover file type, the icons.
ENTRY=applications/iro-desktop.desktop
FILES="$ENTRY metainfo/uk.gov.iro_desktop.metainfo.xml mime/packages/iro-desktop.xml"
FILES="$FILES icons/hicolor/scalable/apps/iro-desktop.svg"
for size in 16 22 24 32 48 64 128 256 512; do
    FILES="$FILES icons/hicolor/${size}x$size/apps/iro-desktop.png"
done

# The desktop's caches of menu entries, file types and icons, brought up to date (each tool is optional).
refresh() {
    if [ -d "$SHARE/applications" ] && command -v update-desktop-database >/dev/null; then
        update-desktop-database -q "$SHARE/applications" || true
    fi
    if rmdir "$SHARE/mime/packages" 2>/dev/null; then
        rm -rf "$SHARE/mime"  # no types left: the rest of the folder was only the database made from ours
    elif [ -d "$SHARE/mime" ] && command -v update-mime-database >/dev/null; then
        update-mime-database "$SHARE/mime" || true
    fi
    touch -c "$SHARE/icons/hicolor"  # an icon cache older than its folder is not trusted
}

# A path as one argument of the Exec line (the Desktop Entry spec): in double quotes, with \ " ` $ escaped
# for the quoting and again for the file's own escapes. A space in HOME is then harmless.
exec_quoted() {
    printf '"%s"' "$(printf '%s' "$1" | sed -e 's/\\/\\\\\\\\/g' -e 's/["`$]/\\\\&/g')"
}

if [ "$ACTION" = uninstall ]; then
    rm -rf "$OPT" "$BIN/iro-desktop"
    for file in $FILES; do rm -f "$SHARE/$file"; done
    refresh
    echo "Removed iro-desktop from $OPT. Stores and backups were left where they are."
    exit 0
fi
case "$OPT" in
    *%* | *"
"*)  # GLib's desktops look for the program before they undo the spec's %% escape, so they would hide the app
        echo "iro-desktop cannot go in $OPT: a menu entry cannot name a folder with % or a line break in it." >&2
        echo "Install it for everyone instead: sudo $0 --system" >&2
        exit 1 ;;
esac
rm -rf "$OPT.new" && mkdir -p "$OPT.new" "$BIN"
cp -a "$HERE/iro-desktop/." "$OPT.new/"
rm -rf "$OPT" && mv "$OPT.new" "$OPT"  # an upgrade replaces the whole folder, never a mix of versions
for file in $FILES; do
    mkdir -p "$(dirname "$SHARE/$file")"
    cp "$HERE/share/$file" "$SHARE/$file"
done
program=$(exec_quoted "$OPT/iro-desktop")
while IFS= read -r line; do  # the entry runs the bundle by its full path: ~/.local/bin may not be on PATH
    case "$line" in Exec=iro-desktop*) line="Exec=$program${line#Exec=iro-desktop}" ;; esac
    printf '%s\n' "$line"
done <"$HERE/share/$ENTRY" >"$SHARE/$ENTRY"
ln -sf "$OPT/iro-desktop" "$BIN/iro-desktop"
refresh
echo "Installed iro-desktop $("$OPT/iro-desktop" --version | cut -d' ' -f2) in $OPT."
echo "Check it with: $OPT/iro-desktop self-test"
