#!/bin/bash
# Build, sign, notarise and package iro-desktop for macOS: dist/iro-desktop-<version>-macos-<arch>.dmg.
# Written for macOS 12 or later; not run on the Linux machine it was written on (shellcheck checks it there).
#
# Run from the repository root on a Mac, after `make .venv-build/.installed` (the locked build environment):
#   SIGN_IDENTITY="Developer ID Application: <Council> (<TEAMID>)" NOTARY_PROFILE=iro-notary \
#     installer/macos/build-and-sign.sh
# NOTARY_PROFILE names notary credentials kept in the login keychain, stored once with
#   xcrun notarytool store-credentials iro-notary --apple-id <Apple ID> --team-id <TEAMID>
# so no password or key is in this script, its environment or the build log.
# SKIP_BUILD=1 signs an app already in dist/iro-desktop.app.
#
# Signing goes inside out, with no `codesign --deep` (Apple advises against it for signing): every Mach-O file
# first, then each .framework, then the executables and the app with the entitlements, all with the hardened
# runtime and a secure timestamp. The app is notarised and stapled, then the DMG made from it is signed,
# notarised and stapled too, so Gatekeeper accepts both on a laptop that is offline when it first opens them.
#
# Upgrades keep the IRO's data: the store, its key, settings and logs live outside the app
# (~/Library/Application Support/iro-desktop and ~/Library/Logs/iro-desktop), so dragging a new
# iro-desktop.app over the old one replaces the program only. The new version updates the store's tables the
# first time it is unlocked, in one transaction. Keep the bundle identifier (installer/iro-desktop.spec) and the
# Developer ID team the same from one version to the next: macOS ties the app's permissions to them.
set -euo pipefail

: "${SIGN_IDENTITY:?Set SIGN_IDENTITY to your Developer ID Application certificate name (security find-identity -v -p codesigning).}"
: "${NOTARY_PROFILE:?Set NOTARY_PROFILE to a notarytool keychain profile (xcrun notarytool store-credentials).}"
PYINSTALLER=${PYINSTALLER:-.venv-build/bin/pyinstaller}

cd "$(dirname "$0")/../.."
ENTITLEMENTS=installer/macos/entitlements.plist
APP=dist/iro-desktop.app
VERSION=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' iro_desktop/__init__.py)
DMG="dist/iro-desktop-$VERSION-macos-$(uname -m).dmg"

sign() {  # codesign with the Developer ID, a secure timestamp and the hardened runtime
	codesign --force --timestamp --options runtime --sign "$SIGN_IDENTITY" "$@"
}

is_mach_o() {  # by the file's first four bytes: thin 32- or 64-bit (either byte order) or universal
	case "$(od -An -tx1 -N4 "$1" | tr -d ' \n')" in
		cffaedfe | cefaedfe | feedfacf | feedface | cafebabe | bebafeca) return 0 ;;
		*) return 1 ;;
	esac
}

deepest_first() {  # paths on stdin, most deeply nested first, so a framework inside another is signed first
	awk -F/ '{ print NF "\t" $0 }' | sort -rn -k1,1 | cut -f2-
}

notarise() {  # submit, wait for Apple's verdict, and stop unless it is Accepted
	local out
	out=$(xcrun notarytool submit "$1" --keychain-profile "$NOTARY_PROFILE" --wait 2>&1) || true
	printf '%s\n' "$out"
	if ! grep -q 'status: Accepted' <<<"$out"; then
		echo "Notarisation of $1 was not accepted. Read why with: xcrun notarytool log <id> --keychain-profile $NOTARY_PROFILE" >&2
		exit 1
	fi
}

if [ "${SKIP_BUILD:-0}" != 1 ]; then
	"$PYINSTALLER" --noconfirm --distpath dist --workpath build/pyinstaller installer/iro-desktop.spec
fi
[ -d "$APP" ] || { echo "No $APP: build it first." >&2; exit 1; }

echo "Signing every Mach-O file in $APP, then each framework, then the executables and the app"
find "$APP/Contents" -type f ! -path "$APP/Contents/MacOS/*" | while IFS= read -r file; do
	if is_mach_o "$file"; then sign "$file"; fi
done
find "$APP/Contents" -type d -name '*.framework' | deepest_first | while IFS= read -r framework; do
	sign "$framework"
done
for program in "$APP"/Contents/MacOS/*; do
	if [ ! -L "$program" ]; then sign --entitlements "$ENTITLEMENTS" "$program"; fi
done
sign --entitlements "$ENTITLEMENTS" "$APP"

# Verification may follow nested code with --deep; it is only signing that must not.
codesign --verify --strict --deep --verbose=2 "$APP"
# The signed app must still start: library validation refuses any library left unsigned or signed by another team.
"$APP/Contents/MacOS/iro-desktop" self-test

echo "Notarising the app"
ZIP=$(mktemp -d)/iro-desktop.zip
ditto -c -k --keepParent "$APP" "$ZIP"
notarise "$ZIP"
xcrun stapler staple "$APP"
spctl --assess --type execute -vv "$APP"

echo "Making, signing and notarising $DMG"
STAGE=$(mktemp -d)
ditto "$APP" "$STAGE/iro-desktop.app"
ln -s /Applications "$STAGE/Applications"  # so the IRO (or IT) can drag the app into place
hdiutil create -volname "iro-desktop $VERSION" -srcfolder "$STAGE" -ov -format UDZO "$DMG"
codesign --force --timestamp --sign "$SIGN_IDENTITY" "$DMG"  # a disk image is not run: no hardened runtime
notarise "$DMG"
xcrun stapler staple "$DMG"
xcrun stapler validate "$DMG"
spctl --assess --type open --context context:primary-signature -vv "$DMG"
echo "Done: $DMG (signed, notarised and stapled)"
