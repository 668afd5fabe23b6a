# Front end for the two commands a new user runs: `make demo` and `make test`.
# Both install what they need first (scripts/setup.sh: Debian packages).
SHELL := /bin/bash
JOBS ?= $(shell nproc)
SHARED ?= $(abspath ../shared)

.PHONY: setup build demo test test-fast asan fuzz bench replays format format-check tidy clean

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

# Every PREP database of ../shared/data replayed through the server; each must end
# with a final corte equal to prep check's recomputation (about 8 minutes).
REPLAYS := qroo2019-prep-final/20190603_0547_PREP_DIP_QROO.zip \
  tamps2023-sen-ext-ine/20230220_1105_PREP_SEN_TAMPS_ext.zip \
  pue2018-prep/20180702_2000_PREP_GOB_PUE/PUE_GOB_2018.csv \
  pue2018-prep/20180702_2000_PREP_DIP_LOC_PUE/PUE_DIP_LOC_2018.csv \
  pue2018-prep/20180702_2000_PREP_AYUN_PUE/PUE_AYUN_2018.csv
replays: build
	@set -o pipefail; for f in $(REPLAYS); do \
	  echo "== $$f"; \
	  ./build/release/prep replay $(SHARED)/data/$$f --data build/replay --desde-cero --minutos 1 --hilos 8 \
	    | grep -E '^(TUBERIA|Resultado|  [A-Z_]+ .*DIFIERE)' || exit 1; \
	done

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
