# orgcover - GNU make, dependencies through pkg-config.
#
#   make            build build/orgcover
#   make demo       install missing Debian packages (as root), build, run the demo
#   make check      unit + end-to-end tests, then the same under ASan/UBSan
#   make bench      benchmarks (see docs/BENCHMARKS.md)
#   make install PREFIX=/usr/local

PREFIX ?= /usr/local
BUILD ?= build
CC ?= cc
PKGS = gdal geos spatialite sqlite3 proj cairo pangocairo
WERROR ?=
SAN ?=
OPT ?= -O2 -g

WARN = -std=c11 -Wall -Wextra -Wpedantic -Wstrict-prototypes -Wmissing-prototypes \
       -Wshadow -Wformat=2 -Wvla -Wwrite-strings -Werror=implicit-function-declaration
# Dependency headers as -isystem: GDAL 3.6's ogr_core.h trips -Wpedantic.
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null | sed 's/-I/-isystem /g')
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null)
# The analysis layer's MIP solver (propose --exact, analysis/propose_mip.c): GLPK,
# which ships no pkg-config file. `make MIP=cbc BUILD=build/cbc` builds with CBC
# (coinor-libcbc-dev, through pkg-config) instead, only to compare the two.
MIP ?= glpk
ifeq ($(MIP),cbc)
  ANALYSIS_CFLAGS := -DCOV_MIP_CBC $(shell pkg-config --cflags cbc 2>/dev/null | sed 's/-I/-isystem /g')
  ANALYSIS_LIBS := $(shell pkg-config --libs cbc 2>/dev/null)
else
  ANALYSIS_CFLAGS :=
  ANALYSIS_LIBS := -lglpk
endif

ifeq ($(SAN),1)
  SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  OPT = -O1 -g
endif

CPPFLAGS += -D_GNU_SOURCE
CFLAGS += $(OPT) $(WARN) $(WERROR) $(SANFLAGS) $(PKG_CFLAGS) $(ANALYSIS_CFLAGS) -MMD -MP
LDFLAGS += $(SANFLAGS)
LDLIBS += $(PKG_LIBS) $(ANALYSIS_LIBS) -lpthread -lm

ANALYSIS_SRC := $(sort $(wildcard analysis/*.c))
GEODATA_SRC := $(sort $(wildcard geodata/*.c))
RENDER_SRC := $(sort $(wildcard render/*.c))
CLI_SRC := $(sort $(wildcard cli/*.c))
TOOLS_LIB_SRC := $(sort $(wildcard tools/lib/*.c))

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

LIB_ANALYSIS := $(BUILD)/libanalysis.a
LIB_GEODATA := $(BUILD)/libgeodata.a
LIB_RENDER := $(BUILD)/librender.a
LIB_TOOLS := $(BUILD)/libtools.a
BIN := $(BUILD)/orgcover

# Unit tests: tests/unit/<layer>/test_<module>.c, each linked with its layer
# and the layers below it only.
UNIT_ANALYSIS := $(patsubst tests/unit/analysis/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/analysis/test_*.c))
UNIT_GEODATA := $(patsubst tests/unit/geodata/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/geodata/test_*.c))
UNIT_RENDER := $(patsubst tests/unit/render/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/render/test_*.c))
UNIT_TESTS := $(UNIT_ANALYSIS) $(UNIT_GEODATA) $(UNIT_RENDER)

TOOLS := $(patsubst tools/%.c,$(BUILD)/tools/%,$(wildcard tools/*.c))

.PHONY: all deps deps-check demo check check-plain check-san unit e2e bench install clean format format-check tools
all: $(BIN)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(LIB_ANALYSIS): $(call obj,$(ANALYSIS_SRC))
$(LIB_GEODATA): $(call obj,$(GEODATA_SRC))
$(LIB_RENDER): $(call obj,$(RENDER_SRC))
$(LIB_TOOLS): $(call obj,$(TOOLS_LIB_SRC))
$(BUILD)/lib%.a:
	@mkdir -p $(dir $@)
	@rm -f $@ && ar rcs $@ $^

$(BIN): $(call obj,$(CLI_SRC)) $(LIB_RENDER) $(LIB_GEODATA) $(LIB_ANALYSIS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(UNIT_ANALYSIS): $(BUILD)/tests/%: $(BUILD)/obj/tests/unit/analysis/%.o $(LIB_ANALYSIS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(CMOCKA_LIBS)
$(UNIT_GEODATA): $(BUILD)/tests/%: $(BUILD)/obj/tests/unit/geodata/%.o $(LIB_GEODATA) $(LIB_ANALYSIS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(CMOCKA_LIBS)
$(UNIT_RENDER): $(BUILD)/tests/%: $(BUILD)/obj/tests/unit/render/%.o $(LIB_RENDER) $(LIB_ANALYSIS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(CMOCKA_LIBS)

# Tools also link the tools' own helpers (tools/lib/, e.g. the XLSX writer).
$(BUILD)/tools/%: $(BUILD)/obj/tools/%.o $(LIB_TOOLS) $(LIB_RENDER) $(LIB_GEODATA) $(LIB_ANALYSIS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lz
tools: $(TOOLS)

# Per-layer unit targets, handy while working on one layer.
unit-analysis: $(UNIT_ANALYSIS)
	sh tests/run-unit.sh $^
unit-geodata: $(UNIT_GEODATA)
	sh tests/run-unit.sh $^
unit-render: $(UNIT_RENDER)
	sh tests/run-unit.sh $^

unit: $(UNIT_TESTS)
	sh tests/run-unit.sh $(UNIT_TESTS)

e2e: $(BIN)
	sh tests/e2e/run.sh $(BIN)

deps:
	@sh deps/install.sh
deps-check:
	@sh deps/install.sh --check

# The whole suite, plain and then under AddressSanitizer + UBSan, -Werror in both.
check: deps-check
	$(MAKE) --no-print-directory check-plain BUILD=build/check WERROR=-Werror
	$(MAKE) --no-print-directory check-san BUILD=build/san SAN=1 WERROR=-Werror
	$(MAKE) --no-print-directory fuzz-replay
	@sh tests/summary.sh build/check/results build/san/results

# fast_unwind_on_malloc=0: the suppressed cairo leak is only matched with full stacks.
SAN_ENV = ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0 \
          LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
          UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
check-plain check-san: $(BIN) $(UNIT_TESTS) $(TOOLS)
	@mkdir -p $(BUILD)/results
	$(SAN_ENV) sh tests/run-unit.sh --results $(BUILD)/results/unit $(UNIT_TESTS)
	$(SAN_ENV) sh tests/e2e/run.sh --results $(BUILD)/results/e2e $(BIN)

demo: deps
	$(MAKE) --no-print-directory all
	$(BIN) demo orgcover-demo

bench: $(BIN) $(TOOLS)
	sh bench/run.sh $(BUILD) | tee $(BUILD)/bench.txt

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/orgcover/lianyungang/source
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/orgcover
	install -m 644 $$(find data/lianyungang -maxdepth 1 -type f) $(DESTDIR)$(PREFIX)/share/orgcover/lianyungang/
	install -m 644 data/lianyungang/source/* $(DESTDIR)$(PREFIX)/share/orgcover/lianyungang/source/

format:
	clang-format -i $(ANALYSIS_SRC) $(GEODATA_SRC) $(RENDER_SRC) $(CLI_SRC) */*.h
format-check:
	clang-format --dry-run --Werror $(ANALYSIS_SRC) $(GEODATA_SRC) $(RENDER_SRC) $(CLI_SRC) */*.h

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# libFuzzer harnesses over the parsers (clang): make fuzz, make fuzz-replay
include tests/fuzz/fuzz.mk
