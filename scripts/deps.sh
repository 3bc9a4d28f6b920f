#!/usr/bin/env bash
# Installs the Debian packages Kakehashi's tests (or benchmarks) use as peers
# and independent checkers, when they are missing, and axe-core (the WCAG
# checker the browser tests inject into Chromium) from the npm registry into
# a per-user cache, never into the tree. Nothing else is changed.
#   scripts/deps.sh test    packages the test suite needs (default)
#   scripts/deps.sh bench   those plus the peer sanitizers timed by scripts/bench-peers.sh
set -euo pipefail

# axe-core is pinned to a major version: a new major may add rules that fail
# pages which passed, which should be a deliberate upgrade. The browser test
# reads axe.min.js from here unless KAKEHASHI_AXE names another copy.
axe_major=4
npm_prefix="$HOME/.cache/kakehashi/npm"

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
  chromium                           # app: browser tests (real clicks, axe-core WCAG 2.1 AA checks, screenshots)
)
bench_pkgs=(mupdf-tools mat2 hyperfine time)

want=("${test_pkgs[@]}")
if ! command -v npm >/dev/null; then
  want+=(npm)                        # only to fetch axe-core below
fi
if [ "${1:-test}" = bench ]; then
  want+=("${bench_pkgs[@]}")
fi

install_debian() {
  local missing=() p
  for p in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  echo "installing: ${missing[*]}" >&2
  local sudo=""
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
}

install_axe() {
  if [ -n "${KAKEHASHI_AXE:-}" ] || [ -f "$npm_prefix/node_modules/axe-core/axe.min.js" ]; then
    return 0
  fi
  echo "installing: axe-core@$axe_major (npm) into $npm_prefix" >&2
  npm install --prefix "$npm_prefix" --no-audit --no-fund --loglevel=error "axe-core@$axe_major" >&2
}

install_debian "${want[@]}"
install_axe
