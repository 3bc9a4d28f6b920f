#!/usr/bin/env bash
# Checks the module's dependencies against the Go vulnerability database.
# Uses, in order: GOVULNDB=file:///path (a database in the layout govulncheck
# -db expects); VULNDB_OSV=/path/to/vulndb/data/osv (the OSV files of a
# golang/vulndb checkout, turned into such a database here, for machines
# without internet access); otherwise the public database.
# Fails, never silently passes, when no database can be reached.
set -euo pipefail
cd "$(dirname "$0")/.."
gv=$(command -v govulncheck || echo "$(go env GOPATH)/bin/govulncheck")
if [ ! -x "$gv" ]; then
  go install golang.org/x/vuln/cmd/govulncheck@v1.1.4
fi
args=()
if [ -z "${GOVULNDB:-}" ] && [ -n "${VULNDB_OSV:-}" ]; then
  db=$(mktemp -d)
  trap 'rm -rf "$db"' EXIT
  python3 - "$VULNDB_OSV" "$db" <<'PY'
import glob, json, os, sys
src, dst = sys.argv[1], sys.argv[2]
os.makedirs(dst + "/ID"); os.makedirs(dst + "/index")
mods = {}
for f in glob.glob(src + "/*.json"):
    e = json.load(open(f))
    json.dump(e, open(f"{dst}/ID/{e['id']}.json", "w"))
    for a in e.get("affected", []):
        fixed = [ev["fixed"] for r in a.get("ranges", []) for ev in r.get("events", []) if "fixed" in ev]
        v = {"id": e["id"], "modified": e["modified"]}
        if fixed:
            v["fixed"] = fixed[-1]
        mods.setdefault(a["package"]["name"], []).append(v)
json.dump([{"path": p, "vulns": v} for p, v in sorted(mods.items())], open(dst + "/index/modules.json", "w"))
json.dump({"modified": "2000-01-01T00:00:00Z"}, open(dst + "/index/db.json", "w"))
PY
  GOVULNDB="file://$db"
fi
if [ -n "${GOVULNDB:-}" ]; then
  args+=(-db "$GOVULNDB")
fi
if ! out=$("$gv" "${args[@]}" ./... 2>&1); then
  echo "$out"
  if grep -q "fetching vulnerabilities" <<<"$out"; then
    echo "vulncheck: the vulnerability database is unreachable; set GOVULNDB=file:///path to a local copy" >&2
  fi
  exit 1
fi
echo "$out"
