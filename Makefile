# Kakehashi command index. `make test` is the README's test command and what
# CI runs; `make check` is what to run before committing.

GO        ?= go
PKGS      := ./...
FUZZTIME  ?= 30s
BIN       := kakehashi
STATICCHECK := $(shell command -v staticcheck 2>/dev/null || echo $(shell $(GO) env GOPATH)/bin/staticcheck)

.PHONY: build test check fmt fuzz bench bench-peers docs

build:
	$(GO) build -trimpath -o $(BIN) ./cmd/kakehashi

# Installs the Debian packages the tests need when missing, then runs every
# test uncached (-count=1: some tests read the tree through `go list` and
# start outside programs, which the test cache cannot see). Tests that need
# an outside program fail, not skip, because KAKEHASHI_REQUIRE_TOOLS is set.
test:
	scripts/deps.sh test
	KAKEHASHI_REQUIRE_TOOLS=1 $(GO) test -count=1 -timeout 20m $(PKGS)

check:
	@test -z "$$(gofmt -l . | tee /dev/stderr)" || (echo "gofmt: files above need formatting" && exit 1)
	$(GO) vet $(PKGS)
	$(STATICCHECK) $(PKGS)
	scripts/vulncheck.sh
	$(GO) test -count=1 -run TestImportDirection .

fmt:
	gofmt -w .

# Every fuzz target, FUZZTIME each (never part of `make test`).
fuzz:
	scripts/fuzz.sh $(FUZZTIME)

# Go benchmarks (never part of `make test`).
bench:
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

# Times Kakehashi and the Debian peer sanitizers on the same files and
# rewrites docs/benchmarks.md.
bench-peers: build
	scripts/deps.sh bench
	scripts/bench-peers.sh

# Regenerates the reference pages from the code (tests fail when they drift).
docs:
	$(GO) test ./sanitize -run TestReferenceDocs -update
	$(GO) test ./config -run TestConfigDocs -update
