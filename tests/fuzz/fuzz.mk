# tests/fuzz/fuzz.mk - libFuzzer harnesses (STYLE.md item 16). See tests/fuzz/README.md.
#
# Included from the top-level Makefile, or standalone from the repository root:
#
#   make -f tests/fuzz/fuzz.mk fuzz                   build, then fuzz each harness FUZZ_SECONDS
#   make -f tests/fuzz/fuzz.mk fuzz FUZZ_SECONDS=600  longer
#   make -f tests/fuzz/fuzz.mk -j3 fuzz               the three harnesses in parallel
#   make -f tests/fuzz/fuzz.mk fuzz-replay            run every corpus file once (no mutation)
#   make -f tests/fuzz/fuzz.mk fuzz-build             build only
#   make -f tests/fuzz/fuzz.mk fuzz-run-fuzz_fields   one harness
#
# Everything is built with clang into $(FUZZ_BUILD) (default build/fuzz): the
# project's analysis/*.c and geodata/*.c with -fsanitize=fuzzer-no-link,address,
# undefined (coverage instrumentation, no main), each harness with
# -fsanitize=fuzzer,address,undefined. Only FUZZ_* variables are defined here,
# so the fragment does not disturb the including Makefile.
#
# Seeds live in tests/fuzz/corpus/<harness>/ (committed, read only); what the
# fuzzer discovers goes to $(FUZZ_BUILD)/corpus/<harness>/ and crash inputs to
# $(FUZZ_BUILD)/artifacts/ (the run fails and prints the reproducer's path).

ifeq ($(words $(MAKEFILE_LIST)),1)
  FUZZ_STANDALONE := 1
endif
FUZZ_SAVED_GOAL := $(.DEFAULT_GOAL)

FUZZ_CC ?= clang
FUZZ_BUILD ?= build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_MAX_LEN ?= 4096
FUZZ_DIR := tests/fuzz
FUZZ_HARNESSES := fuzz_creditcode fuzz_fields fuzz_import_csv fuzz_import_geo fuzz_place
FUZZ_PKGS := gdal geos spatialite sqlite3 proj
FUZZ_PKG_CFLAGS := $(shell pkg-config --cflags $(FUZZ_PKGS) 2>/dev/null | sed 's/-I/-isystem /g')
FUZZ_PKG_LIBS := $(shell pkg-config --libs $(FUZZ_PKGS) 2>/dev/null)
FUZZ_SAN := address,undefined
FUZZ_CFLAGS := -g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=undefined -D_GNU_SOURCE \
               -std=c11 -Wall -Wextra -Wpedantic -Wstrict-prototypes -Wmissing-prototypes \
               -Wshadow -Wformat=2 -Wvla -Wwrite-strings -Wno-format-nonliteral \
               $(FUZZ_PKG_CFLAGS) -MMD -MP
FUZZ_LIBS := $(FUZZ_PKG_LIBS) -lpthread -lm

FUZZ_SRC := $(sort $(wildcard analysis/*.c geodata/*.c))
FUZZ_OBJ := $(patsubst %.c,$(FUZZ_BUILD)/obj/%.o,$(FUZZ_SRC))
FUZZ_LIB := $(FUZZ_BUILD)/libproject.a
FUZZ_BINS := $(addprefix $(FUZZ_BUILD)/,$(FUZZ_HARNESSES))

# Sanitizer settings for every run: UB and leaks are findings; the suppressions
# are the project's (third-party one-time allocations), plus the fuzzers' own.
FUZZ_ENV := ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0:allocator_may_return_null=1 \
            LSAN_OPTIONS=suppressions=$(CURDIR)/$(FUZZ_DIR)/lsan.supp:print_suppressions=0 \
            UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
FUZZ_FLAGS = -max_len=$(or $(FUZZ_MAX_LEN_$*),$(FUZZ_MAX_LEN)) -timeout=20 -rss_limit_mb=2048 \
             -print_final_stats=1
# An XLSX is a zip of several KB: the geo harness takes larger inputs.
FUZZ_MAX_LEN_fuzz_import_geo := 16384

.PHONY: fuzz fuzz-build fuzz-replay $(addprefix fuzz-run-,$(FUZZ_HARNESSES)) \
        $(addprefix fuzz-replay-,$(FUZZ_HARNESSES))

fuzz-build: $(FUZZ_BINS)

fuzz: $(addprefix fuzz-run-,$(FUZZ_HARNESSES))

fuzz-replay: $(addprefix fuzz-replay-,$(FUZZ_HARNESSES))

$(FUZZ_OBJ): $(FUZZ_BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $<"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,$(FUZZ_SAN) -c $< -o $@

$(FUZZ_LIB): $(FUZZ_OBJ)
	@rm -f $@ && ar rcs $@ $^

$(FUZZ_BINS): $(FUZZ_BUILD)/%: $(FUZZ_DIR)/%.c $(FUZZ_LIB)
	@mkdir -p $(dir $@)
	@echo "  FUZZLD  $@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer,$(FUZZ_SAN) -MF $@.d -MT $@ $< $(FUZZ_LIB) \
	    $(FUZZ_LIBS) -o $@

# One run per harness: new inputs into the build corpus, seeds read from the committed one.
$(addprefix fuzz-run-,$(FUZZ_HARNESSES)): fuzz-run-%: $(FUZZ_BUILD)/%
	@mkdir -p $(FUZZ_BUILD)/corpus/$* $(FUZZ_BUILD)/artifacts
	@echo "  FUZZ    $* for $(FUZZ_SECONDS) s"
	@$(FUZZ_ENV) $< $(FUZZ_FLAGS) -max_total_time=$(FUZZ_SECONDS) \
	    -artifact_prefix=$(FUZZ_BUILD)/artifacts/$*- \
	    $(FUZZ_BUILD)/corpus/$* $(FUZZ_DIR)/corpus/$* 2>$(FUZZ_BUILD)/$*.log \
	    || { tail -60 $(FUZZ_BUILD)/$*.log; exit 1; }
	@grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' $(FUZZ_BUILD)/$*.log | tail -2

# Regression check: every committed corpus file once, no mutation.
$(addprefix fuzz-replay-,$(FUZZ_HARNESSES)): fuzz-replay-%: $(FUZZ_BUILD)/%
	@$(FUZZ_ENV) $< $(FUZZ_FLAGS) -runs=0 $(FUZZ_DIR)/corpus/$* 2>$(FUZZ_BUILD)/$*-replay.log \
	    || { tail -60 $(FUZZ_BUILD)/$*-replay.log; exit 1; }
	@echo "  REPLAY  $*: $$(ls $(FUZZ_DIR)/corpus/$* | wc -l) inputs ok"

-include $(FUZZ_OBJ:.o=.d) $(FUZZ_BINS:=.d)

ifndef FUZZ_STANDALONE
  .DEFAULT_GOAL := $(FUZZ_SAVED_GOAL)
endif
