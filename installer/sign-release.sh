#!/bin/bash
# SHA256SUMS for every release file in DIR and, with RELEASE_KEY set to a GnuPG key (its fingerprint), the
# detached signature SHA256SUMS.asc, checked before it is kept. A council verifies with the two commands in
# installer/README.md ("Verifying a release"). Usage: RELEASE_KEY=FPR installer/sign-release.sh DIR
set -euo pipefail
dir=${1:?usage: sign-release.sh DIR}
cd "$dir"
rm -f SHA256SUMS SHA256SUMS.asc
mapfile -t files < <(find . -maxdepth 1 -type f ! -name 'SHA256SUMS*' -printf '%f\n' | LC_ALL=C sort)
[ "${#files[@]}" -gt 0 ] || { echo "sign-release: no release files in $dir" >&2; exit 1; }
sha256sum -- "${files[@]}" > SHA256SUMS
if [ -z "${RELEASE_KEY:-}" ]; then
    echo "Wrote $dir/SHA256SUMS; not signed: set RELEASE_KEY to the release key's fingerprint to sign it."
    exit 0
fi
gpg --batch --yes --armor --local-user "$RELEASE_KEY" --detach-sign --output SHA256SUMS.asc SHA256SUMS
gpg --batch --verify SHA256SUMS.asc SHA256SUMS 2>/dev/null || { echo "sign-release: the new signature does not verify" >&2; exit 1; }
echo "Wrote $dir/SHA256SUMS and SHA256SUMS.asc (key $RELEASE_KEY) for ${#files[@]} files."
