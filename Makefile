# paygate: every target is a thin call into scripts/ (read those for the details).
#   make run     install missing packages, build, run the stack in the foreground (Ctrl-C stops it)
#   make up      the same stack in the background; `make down` stops it. Data stays in var/.
#                API on https://127.0.0.1:8443, channel sandbox on https://127.0.0.1:9443
#                (PAYGATE_SANDBOX_PORT=N make up for another sandbox port).
#   make test    style check (scripts/format.sh --check), unit tests, then end-to-end tests on a
#                temporary stack (never touches var/)
#   make bench   the benchmark (scripts/bench.sh)
#   make reload  apply an edit of nginx/rate-limits.conf (nginx -t, reload) and restart workers
#   make build   release build only; make clean removes build products (never var/)
#   make format  apply the house style (.swift-format) to every Swift file (scripts/format.sh)

STACK := scripts/stack.sh
# The stack of `make run` / `make up`: docs/API.md section 1.
ROOT := $(CURDIR)/var
PORT := 8443
# SwiftPM's scratch directory. Override to keep parallel builds apart: make up BUILD_DIR=.build-me
BUILD_DIR ?= $(CURDIR)/.build
# stack.sh, e2e.sh and bench.sh take paygate, paygate-admin and paygate-sandbox from here.
export PAYGATE_BIN_DIR := $(abspath $(BUILD_DIR))/release
# e2e.sh installs the contract step's schemathesis here (scripts/stack-deps.sh, contract-deps).
export PAYGATE_VENV := $(abspath $(BUILD_DIR))/venv
# e2e.sh runs the MariaDB store contract tests from the debug test build in here.
export PAYGATE_SCRATCH_PATH := $(abspath $(BUILD_DIR))

SWIFT_BUILD := swift build --scratch-path $(BUILD_DIR)

.PHONY: deps build run up down reload format format-check test bench clean train-risk-model

deps:
	$(STACK) deps

build:
	$(SWIFT_BUILD) -c release

run: deps build
	$(STACK) run $(ROOT) $(PORT)

up: deps build
	$(STACK) up $(ROOT) $(PORT)
	$(STACK) banner $(ROOT) $(PORT)

down:
	$(STACK) down $(ROOT)

reload:
	$(STACK) reload $(ROOT)

# The house style: `make format` rewrites the files, format-check lists what breaks it (lint --strict).
format:
	scripts/format.sh

format-check:
	scripts/format.sh --check

# The style check first (seconds, no build), module edges as declared (scripts/module-edges.py),
# the systemd units of deploy/ (scripts/deploy-verify.sh: systemd-analyze verify on the release
# binaries), unit tests (debug build, where warnings are errors), then the end-to-end suite on its
# own stack.
# The store contract on MariaDB (MariaDBStoreContractTests) needs that stack's shards, and the risk
# counters' contract on Redis (RedisRiskSignalsContractTests) its Redis: e2e.sh runs both.
test: format-check deps build
	scripts/module-edges.py
	scripts/deploy-verify.sh
	$(SWIFT_BUILD) --build-tests
	swift test --scratch-path $(BUILD_DIR) --skip-build --disable-swift-testing --skip MariaDBStoreContractTests \
		--skip RedisRiskSignalsContractTests
	scripts/e2e.sh

bench: deps build
	scripts/bench.sh

# Retrain the risk model on the simulator and rewrite nginx/risk-model.json and its test vectors
# (docs/risk-model.md); its own venv in .build/risk-venv.
train-risk-model:
	scripts/train-risk-model

clean:
	rm -rf $(BUILD_DIR)
