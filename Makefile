# Goldset: `make run` starts the product, `make test` runs every test.
# Each target installs what it needs when it is missing, so both work on a fresh machine.

SHELL   := /bin/bash
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
UI      := annotator-ui
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run build ui test bench lint types fmt-check deps-pg deps-node deps-ui deps-browser clean

## run: build everything and serve on http://localhost:8080 with the embedded PostgreSQL
run: build deps-pg
	./bin/goldset serve

## build: the goldset binary with the web UI embedded
build: ui
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/goldset ./cmd/goldset

## ui: build the web UI into annotator-ui/dist
ui: deps-ui
	cd $(UI) && npm run build

## test: every test (Go with real PostgreSQL, UI unit tests, browser end-to-end)
test: deps-pg deps-browser ui fmt-check
	$(GO) vet ./...
	cd $(UI) && npm run typecheck && npm run lint && npm test
	GOLDSET_E2E=1 $(GO) test -count=1 ./...
	@echo "Every benchmark once, at a tiny size, so a broken one fails here (figures: make bench):"
	GOLDSET_BENCH_SMOKE=1 $(GO) test -count=1 -run '^$$' -bench . -benchtime 1x -timeout 20m ./...

## bench: the benchmarks, whose figures go to docs/BENCHMARKS.md (one package at a time, so they
## do not compete for the 2 cores)
bench: deps-pg
	$(GO) test -p 1 -run '^$$' -bench . -benchtime 3x -benchmem -timeout 2h ./...

## types: regenerate the web UI's API types (annotator-ui/src/shared/api.gen.ts) from the server's Go
## types; `make test` fails while the file differs from what they generate
types:
	$(GO) test -count=1 -run '^TestAPITypesGenerated$$' ./server/ -update-types

## lint: formatting, vet, type checks and the UI's ESLint
lint: deps-ui fmt-check
	$(GO) vet ./...
	cd $(UI) && npm run typecheck && npm run lint

## fmt-check: every Go file as gofmt writes it
fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# --- what the targets need, installed only when missing -------------------------------------

deps-pg:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1 && [ -z "$$GOLDSET_DATABASE_URL" ]; then \
		echo "Installing PostgreSQL server binaries..."; \
		$(SUDO) apt-get update -q && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; \
	fi

# The web UI's tools (Vite 8) need Node.js 20.19 or newer.
deps-node:
	@command -v npm >/dev/null 2>&1 || { echo "Installing Node.js and npm..."; $(SUDO) apt-get update -q && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs npm; }
	@node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a==20&&b>=19)?0:1)' || \
		{ echo "Node.js $$(node --version) is too old for the web UI: install Node.js 20.19 or newer (https://nodejs.org, or your distribution's nodejs 20+ package)."; exit 1; }

deps-ui: deps-node $(UI)/node_modules/.installed

# The go.mod makes node_modules a module of its own, so `go vet ./...` and `go test ./...` never
# build the Go files some npm packages ship.
$(UI)/node_modules/.installed: $(UI)/package-lock.json
	cd $(UI) && npm ci --no-audit --no-fund
	printf 'module ignored/node_modules\n' > $(UI)/node_modules/go.mod
	touch $@

deps-browser:
	@command -v chromium >/dev/null 2>&1 || { echo "Installing Chromium for browser tests..."; $(SUDO) apt-get update -q && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

clean:
	rm -rf bin $(UI)/node_modules
	find $(UI)/dist -mindepth 1 ! -name .gitkeep -delete 2>/dev/null || true
