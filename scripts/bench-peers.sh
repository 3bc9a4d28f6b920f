#!/usr/bin/env bash
# Times Kakehashi and the Debian peer sanitizers side by side on the same
# files, and checks whether each output is really clean, then rewrites
# docs/benchmarks.md. Run through `make bench-peers` (builds ./kakehashi and
# installs the peers first). Nothing here is a test: numbers vary by machine.
#
#   RUNS=3 scripts/bench-peers.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
runs=${RUNS:-3}
bin=$root/kakehashi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
in=$work/in
mkdir -p "$in" "$work/out" "$work/chk"

echo "generating inputs…" >&2
go run scripts/benchdata.go "$in"
profile=$work/lo-profile
# LibreOffice with VBA load/save off (research/cdr.md §4a): without this it
# copies vbaProject.bin into the .docx it writes.
mkdir -p "$profile/user"
cat > "$profile/user/registrymodifications.xcu" <<'XCU'
<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Writer/Filter/Import/VBA"><prop oor:name="Load" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Writer/Filter/Import/VBA"><prop oor:name="Save" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
XCU
soffice() { HOME=$work /usr/bin/soffice -env:UserInstallation=file://$profile --headless --norestore --nolockcheck "$@" >/dev/null 2>&1; }
soffice --convert-to pdf --outdir "$in" "$in/text-100p.docx"
cp /usr/share/clamav-testfiles/clam.pdf "$in/attachment.pdf"
# A PDF with JavaScript on open and on a page, if the PDF tests generated one.
js=$(ls sanitize/pdf/testdata/malicious/*openaction*.pdf sanitize/pdf/testdata/malicious/*js*.pdf 2>/dev/null | head -n 1 || true)
[ -n "$js" ] && cp "$js" "$in/javascript.pdf"

# Independent checkers (the same as the corpus test's).
/usr/bin/sigtool --md5 /usr/share/clamav-testfiles/clam.exe > "$work/clam.hdb"
echo 'Dummy.Never-1:0:*:de4dbeefcafebabe00112233445566778899aabbccddeeff' > "$work/dummy.ndb"
rules=$root/sanitize/formats/testdata/active.yar

# clean FILE KIND → "yes" or "no (what)"
clean() {
  local f=$1 kind=$2 found
  [ -s "$f" ] || { echo "no output"; return; }
  case $kind in
    image)
      found=""
      [ -n "$(exiftool -s -s -s -GPSLatitudeRef -Make "$f" 2>/dev/null)" ] && found="EXIF/GPS kept"
      grep -qa 'payload.vbs' "$f" && found="${found:+$found, }appended zip kept"
      [ -z "$found" ] && echo yes || echo "no ($found)"
      ;;
    *)
      found=$(clamscan --no-summary --allmatch=yes --alert-macros=yes -d "$work/clam.hdb" -d "$work/dummy.ndb" -d "$rules" "$f" 2>/dev/null \
        | sed -n 's/.*: \(.*\) FOUND$/\1/p' | sed 's/^YARA\.//; s/\.UNOFFICIAL$//' | sort -u | paste -sd, - || true)
      [ -z "$found" ] && echo yes || echo "no ($found)"
      ;;
  esac
}

rows=()
# bench FORMAT INPUT TOOL OUTPUT -- COMMAND…: runs COMMAND $runs times and
# records the median wall time, the peak RSS (with children), the output
# size ratio and whether the output is clean.
bench() {
  local kind=$1 input=$2 tool=$3 output=$4; shift 5
  local times=() rss=0 t m start
  for _ in $(seq "$runs"); do
    rm -rf "$output"
    start=$(date +%s%N)
    if ! /usr/bin/time -f '%M' -o "$work/time" "$@" >/dev/null 2>&1; then
      rows+=("| $(basename "$input") | $tool | failed | | | | | $(clean "$output" "$kind") |")
      return
    fi
    # /usr/bin/time has 10 ms resolution; the wall clock is taken here.
    t=$(awk -v a="$start" -v b="$(date +%s%N)" 'BEGIN { printf "%.4f", (b - a) / 1e9 }')
    read -r m < "$work/time"
    times+=("$t")
    (( m > rss )) && rss=$m
  done
  local med size insize
  med=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  insize=$(stat -c %s "$input")
  size=$(stat -c %s "$output" 2>/dev/null || echo 0)
  rows+=("$(awk -v n="$(basename "$input")" -v tool="$tool" -v t="$med" -v isz="$insize" -v out="$size" -v rss="$rss" -v c="$(clean "$output" "$kind")" 'BEGIN {
    mbs = (t > 0) ? isz / 1048576 / t : 0; fps = (t > 0) ? 1 / t : 0
    printf "| %s | %s | %.3f | %.1f | %.2f | %.0f | %.2f | %s |", n, tool, t, mbs, fps, rss / 1024, (isz > 0) ? out / isz : 0, c }')")
}

kh=("$bin" sanitize -quiet)
o=$work/out
for f in docx-1mb.docx docx-10mb.docx macro-1mb.docm; do
  bench office "$in/$f" kakehashi "$o/kh.docx" -- "${kh[@]}" "$in/$f" "$o/kh.docx"
  bench office "$in/$f" "LibreOffice (VBA off)" "$o/${f%.*}.docx" -- soffice --convert-to 'docx:MS Word 2007 XML' --outdir "$o" "$in/$f"
  bench office "$in/$f" mat2 "$o/m.${f##*.}" -- sh -c 'mat2 "$1" && mv "${1%.*}.cleaned.${1##*.}" "$2"' _ "$in/$f" "$o/m.${f##*.}"
done
for f in text-100p.pdf attachment.pdf javascript.pdf; do
  [ -f "$in/$f" ] || continue
  bench pdf "$in/$f" kakehashi "$o/kh.pdf" -- "${kh[@]}" "$in/$f" "$o/kh.pdf"
  bench pdf "$in/$f" "gs pdfwrite (hardened)" "$o/gs.pdf" -- gs -q -dSAFER -dBATCH -dNOPAUSE -sDEVICE=pdfwrite -dPreserveAnnots=false -dPreserveEmbeddedFiles=false -o "$o/gs.pdf" "$in/$f"
  bench pdf "$in/$f" "qpdf --empty --pages" "$o/q.pdf" -- qpdf --empty --pages "$in/$f" -- "$o/q.pdf"
  bench pdf "$in/$f" "mutool clean" "$o/mu.pdf" -- mutool clean -gggg -z "$in/$f" "$o/mu.pdf"
  bench pdf "$in/$f" "mat2 --lightweight" "$o/m.pdf" -- sh -c 'mat2 --lightweight "$1" && mv "${1%.*}.cleaned.pdf" "$2"' _ "$in/$f" "$o/m.pdf"
done
bench image "$in/photo.jpg" kakehashi "$o/kh.jpg" -- "${kh[@]}" "$in/photo.jpg" "$o/kh.jpg"
bench image "$in/photo.jpg" "ImageMagick -strip" "$o/im.jpg" -- /usr/bin/convert "$in/photo.jpg" -strip "$o/im.jpg"
bench image "$in/photo.jpg" "exiftool -all=" "$o/ex.jpg" -- exiftool -q -all= -o "$o/ex.jpg" "$in/photo.jpg"
bench image "$in/photo.jpg" mat2 "$o/m.jpg" -- sh -c 'mat2 "$1" && mv "${1%.*}.cleaned.jpg" "$2"' _ "$in/photo.jpg" "$o/m.jpg"
bench archive "$in/archive-100mb.zip" kakehashi "$o/kh.zip" -- "${kh[@]}" "$in/archive-100mb.zip" "$o/kh.zip"
bench archive "$in/archive-100mb.zip" mat2 "$o/m.zip" -- sh -c 'mat2 "$1" && mv "${1%.*}.cleaned.zip" "$2"' _ "$in/archive-100mb.zip" "$o/m.zip"
bench archive "$in/archive-100mb.zip" "cp (the floor)" "$o/cp.zip" -- cp "$in/archive-100mb.zip" "$o/cp.zip"

{
  cat <<HEAD
# Benchmarks

<!-- Written by \`make bench-peers\` (scripts/bench-peers.sh). Do not edit by hand. -->

Measured on $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB, $(date -u +%Y-%m-%d); median of $runs runs, wall clock
including process start. Kakehashi runs with its sandbox (a child process per file). **clean** is checked
independently: ClamAV with the clam.exe MD5 signature, its macro heuristics and the YARA rules of
sanitize/formats/testdata/active.yar (run by ClamAV on unpacked parts and streams); for images, exiftool
for EXIF/GPS and a search for the appended zip. Inputs come from scripts/benchdata.go (fixed seed).

| file | tool | seconds | MB/s | files/s | peak RSS MB | out/in size | clean |
|---|---|---|---|---|---|---|---|
HEAD
  printf '%s\n' "${rows[@]}"
  echo
  echo "Go micro-benchmarks (in-process, no sandbox): \`make bench\`."
} > docs/benchmarks.md
echo "wrote docs/benchmarks.md" >&2
