#!/usr/bin/env bash
# Installs the Debian packages Kakehashi's tests (or benchmarks) use as peers
# and independent checkers, when they are missing. Nothing else is changed.
#   scripts/deps.sh test    packages the test suite needs (default)
#   scripts/deps.sh bench   those plus the peer sanitizers timed by scripts/bench-peers.sh
set -euo pipefail

test_pkgs=(
  clamav clamav-testfiles            # clamscan + sigtool: payload oracle and macro heuristics
  qpdf poppler-utils ghostscript     # PDF checks (qpdf --check, pdftotext, pdfdetach) and the gs fallback
  libreoffice-core libreoffice-writer libreoffice-calc libreoffice-impress  # legacy Office conversion, "still opens" checks
  fonts-ipafont-gothic               # Japanese glyphs for LibreOffice/Ghostscript round trips
  p7zip-full zip unzip               # encrypted and 7z fixtures
  libimage-exiftool-perl             # image metadata checks
  imagemagick                        # SVG renders
  python3-olefile python3-msoffcrypto-tool  # OLE structure and Office decryption cross-checks
  yara
  clamav-daemon c-icap libc-icap-mod-virus-scan  # scan: real clamd and c-icap peers (tests start their own on loopback)
)
bench_pkgs=(mupdf-tools mat2 hyperfine time)

want=("${test_pkgs[@]}")
if [ "${1:-test}" = bench ]; then
  want+=("${bench_pkgs[@]}")
fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "installing: ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then
    sudo="sudo"
  else
    echo "need root to install: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
