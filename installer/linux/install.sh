#!/bin/sh
# Install iro-desktop from this folder (the unpacked tarball).
#   ./install.sh              for this user: ~/.local/opt/iro-desktop, menu entry, ~/.local/bin/iro-desktop
#   sudo ./install.sh --system for everyone: /opt/iro-desktop, /usr/local/share/applications, /usr/local/bin
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
ENTRY="$SHARE/applications/iro-desktop.desktop"
ICON="$SHARE/icons/hicolor/scalable/apps/iro-desktop.svg"

if [ "$ACTION" = uninstall ]; then
    rm -rf "$OPT" && rm -f "$ENTRY" "$ICON" "$BIN/iro-desktop"
    echo "Removed iro-desktop from $OPT. Stores and backups were left where they are."
    exit 0
fi
rm -rf "$OPT.new" && mkdir -p "$OPT.new" "$SHARE/applications" "$(dirname "$ICON")" "$BIN"
cp -a "$HERE/iro-desktop/." "$OPT.new/"
rm -rf "$OPT" && mv "$OPT.new" "$OPT"  # an upgrade replaces the whole folder, never a mix of versions
cp "$HERE/iro-desktop.svg" "$ICON"
sed "s|^Exec=iro-desktop|Exec=$OPT/iro-desktop|" "$HERE/iro-desktop.desktop" > "$ENTRY"
ln -sf "$OPT/iro-desktop" "$BIN/iro-desktop"
command -v update-desktop-database >/dev/null && update-desktop-database -q "$SHARE/applications" || true
echo "Installed iro-desktop $("$OPT/iro-desktop" --version | cut -d' ' -f2) in $OPT."
echo "Check it with: $OPT/iro-desktop self-test"
