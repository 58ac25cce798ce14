#!/bin/sh
# Regenerate edition/write/profiles/fogra39.icc, the press PDF's default output profile, byte for byte.
#
# In: Fogra's FOGRA39L characterisation data (ISO 12647-2 offset on coated paper), as Debian's
# icc-profiles-free package ships it under the zlib licence.  Out: a CMYK output (prtr) profile
# made by ArgyllCMS's colprof (Debian: apt-get install argyll; version 2.3.1 gives these bytes).
# Usage: tools/make-output-profile.sh [OUT.icc]   (default: the profile in the package)
set -eu

PACKAGE=icc-profiles-free=2.0.1+dfsg-1.1
TI3_SHA256=e44e6dfa81633588db98b5613a821d4a936d3d9438d2eb983083c3232df393fa
ARGYLL=2.3.1
DESCRIPTION="Coated FOGRA39 (ISO 12647-2:2004) - ArgyllCMS"
COPYRIGHT="zlib licence. Made with ArgyllCMS from the FOGRA39L characterisation data of Fogra (www.fogra.org), as shipped in Debian's icc-profiles-free"
# colprof stamps the header with the time it ran (bytes 24-35, an ICC dateTimeNumber: six big-endian
# 16-bit numbers); a fixed stamp, 2026-11-30 00:00:00, makes the profile reproducible.
STAMP='\007\352\000\013\000\036\000\000\000\000\000\000'

out=$(realpath -m "${1:-$(dirname "$0")/../edition/write/profiles/fogra39.icc}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

colprof 2>&1 | grep -q "Version $ARGYLL" || { echo "colprof: ArgyllCMS $ARGYLL needed for the same bytes" >&2; exit 1; }
apt-get download -qq "$PACKAGE" 2>/dev/null
dpkg-deb -x icc-profiles-free_*.deb deb
cp deb/usr/share/color/icc/FOGRA39L.ti3 .
echo "$TI3_SHA256  FOGRA39L.ti3" | sha256sum --check --quiet
colprof -qm -kr -l330 -L95 -D "$DESCRIPTION" -C "$COPYRIGHT" -O fogra39.icc FOGRA39L >/dev/null
printf "$STAMP" | dd of=fogra39.icc bs=1 seek=24 conv=notrunc status=none
cp fogra39.icc "$out"
echo "wrote $out"
