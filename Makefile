# paygate: every target is a thin call into scripts/ (read those for the details).
#   make run     install missing packages, build, run the stack in the foreground (Ctrl-C stops it)
#   make up      the same stack in the background; `make down` stops it. Data stays in var/.
#   make test    unit tests, then end-to-end tests on a temporary stack (never touches var/)
#   make bench   the benchmark (scripts/bench.sh)
#   make reload  apply an edit of nginx/rate-limits.conf (nginx -t, reload) and restart workers

STACK := scripts/stack.sh
# The stack of `make run` / `make up`: API.md section 1.
ROOT := $(CURDIR)/var
PORT := 8443

.PHONY: deps build run up down reload test bench clean

deps:
	$(STACK) deps

build:
	swift build -c release

run: deps build
	$(STACK) run $(ROOT) $(PORT)

up: deps build
	$(STACK) up $(ROOT) $(PORT)
	$(STACK) banner $(ROOT) $(PORT)

down:
	$(STACK) down $(ROOT)

reload:
	$(STACK) reload $(ROOT)

# Unit tests (debug build, warnings are errors), then the end-to-end suite on its own stack.
test: deps build
	swift build --build-tests
	swift test --skip-build
	scripts/e2e.sh

bench: deps build
	scripts/bench.sh

# Build products only: var/ holds data and keys, `make down` then `rm -rf var` removes it.
clean:
	swift package clean
	rm -rf .build
