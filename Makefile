# Front end for the two commands a new user runs: `make demo` and `make test`.
# Both install what they need first (scripts/setup.sh: Debian packages).
SHELL := /bin/bash
JOBS ?= $(shell nproc)
SHARED ?= $(abspath ../shared)
QROO_ZIP := $(SHARED)/data/qroo2019-prep-final/20190603_0547_PREP_DIP_QROO.zip

.PHONY: setup build demo test test-fast asan fuzz bench format format-check tidy clean

setup:
	@./scripts/setup.sh

build: setup
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

# Until the demo election night exists, the demo is `prep check` on the real
# Quintana Roo 2019 database.
demo: build
	./build/release/prep check $(QROO_ZIP)

test: build
	ctest --preset release -j $(JOBS)

# The quick loop while developing: unit and dialect tests only.
test-fast: build
	ctest --preset release -L fast -j $(JOBS)

# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer (clang),
# then every fuzz target for a bounded time.
asan: setup
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)
	ctest --preset asan -j $(JOBS)

fuzz: asan
	./fuzz/run_fuzzers.sh build/asan $(or $(FUZZ_SECONDS),60)

bench: build
	./bench/check_bench.sh build/release/prep
	./bench/static_bench.sh build/release/bench/prep_static_server
	./bench/corte_bench.sh build/release/bench/corte_bench

format:
	clang-format -i $$(git ls-files '*.h' '*.cc')

format-check:
	clang-format --dry-run --Werror $$(git ls-files '*.h' '*.cc')

tidy: build
	clang-tidy -p build/release $$(git ls-files 'src/*.cc')

clean:
	rm -rf build
