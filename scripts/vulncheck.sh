#!/usr/bin/env bash
# Checks the module's dependencies against the Go vulnerability database.
# Uses the public database, or a local copy given as GOVULNDB=file:///path
# (the layout govulncheck -db expects) on machines without internet access.
# Fails, never silently passes, when no database can be reached.
set -euo pipefail
cd "$(dirname "$0")/.."
gv=$(command -v govulncheck || echo "$(go env GOPATH)/bin/govulncheck")
if [ ! -x "$gv" ]; then
  go install golang.org/x/vuln/cmd/govulncheck@v1.1.4
fi
args=()
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
