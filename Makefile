# Front end for the two commands a new user runs: `make demo` and `make test`.
# Both install what they need first (scripts/setup.sh: Debian packages).
SHELL := /bin/bash
JOBS ?= $(shell nproc)
SHARED ?= $(abspath ../shared)

.PHONY: setup build demo test test-fast asan fuzz bench format format-check tidy clean

setup:
	@./scripts/setup.sh

build: setup
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

# The demo election night (Coahuila 2020 shaped, SIMULACRO): about five
# minutes; a second run resumes it, `make demo DEMO_FLAGS=--desde-cero` starts
# afresh. On a terminal it keeps serving the site after the final corte until Ctrl-C.
DEMO_DATA ?= build/demo
demo: build
	./build/release/prep demo --config examples/coahuila2020.toml --data $(DEMO_DATA) $(DEMO_FLAGS)

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
	ctest --preset asan -j $(JOBS) -LE noche

fuzz: asan
	./fuzz/run_fuzzers.sh build/asan $(or $(FUZZ_SECONDS),60)

bench: build
	./bench/check_bench.sh build/release/prep
	./bench/static_bench.sh build/release/bench/prep_static_server
	./bench/corte_bench.sh build/release/bench/corte_bench
	./bench/pipeline_bench.sh

format:
	clang-format -i $$(git ls-files '*.h' '*.cc')

format-check:
	clang-format --dry-run --Werror $$(git ls-files '*.h' '*.cc')

tidy: build
	clang-tidy -p build/release $$(git ls-files 'src/*.cc')

clean:
	rm -rf build
