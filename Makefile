# orgcover - GNU make, dependencies through pkg-config.
#
#   make            build build/orgcover
#   make demo       install missing Debian packages (as root), build, run the demo
#   make check      layer check, unit + end-to-end tests, then the same under ASan/UBSan
#   make bench      benchmarks (see docs/BENCHMARKS.md)
#   make bench-peers  orgcover against PostGIS and the SpatiaLite CLI (bench-peers-quick: small)
#   make install PREFIX=/usr/local
#   make pot        regenerate po/orgcover.pot and merge it into po/zh_CN.po

PREFIX ?= /usr/local
BUILD ?= build
CC ?= cc
WERROR ?=
SAN ?=
OPT ?= -O2 -g

WARN = -std=c11 -Wall -Wextra -Wpedantic -Wstrict-prototypes -Wmissing-prototypes \
       -Wshadow -Wformat=2 -Wvla -Wwrite-strings -Werror=implicit-function-declaration

# ---- Layers (docs/ARCHITECTURE.md) ----
# Each layer compiles with the flags of its own dependencies and of the layers
# below it, and links with their libraries only, so that an include or a call
# across the layers fails to build. `make layers-check` proves it.
#   analysis  GEOS, and GLPK for the exact solver (analysis/propose_mip.c)
#   geodata   GDAL/OGR, SpatiaLite, SQLite, PROJ           + analysis
#   render    cairo, pango                                 + analysis
#   cli       everything
# Dependency headers as -isystem: GDAL 3.6's ogr_core.h trips -Wpedantic.
pkg_cflags = $(shell pkg-config --cflags $(1) 2>/dev/null | sed 's/-I/-isystem /g')
pkg_libs = $(shell pkg-config --libs $(1) 2>/dev/null)
GEODATA_PKGS := gdal spatialite sqlite3 proj
RENDER_PKGS := cairo pangocairo
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null)
# The MIP solver of propose --exact: GLPK, which ships no pkg-config file.
# `make MIP=cbc BUILD=build/cbc` builds with CBC (coinor-libcbc-dev, through
# pkg-config) instead, only to compare the two.
MIP ?= glpk
ifeq ($(MIP),cbc)
  MIP_CFLAGS := -DCOV_MIP_CBC $(call pkg_cflags,cbc)
  MIP_LIBS := $(call pkg_libs,cbc)
else
  MIP_CFLAGS :=
  MIP_LIBS := -lglpk
endif
ANALYSIS_CFLAGS := $(call pkg_cflags,geos) $(MIP_CFLAGS)
ANALYSIS_LIBS := $(call pkg_libs,geos) $(MIP_LIBS)
GEODATA_CFLAGS := $(call pkg_cflags,$(GEODATA_PKGS)) $(ANALYSIS_CFLAGS)
GEODATA_LIBS := $(call pkg_libs,$(GEODATA_PKGS)) $(ANALYSIS_LIBS)
RENDER_CFLAGS := $(call pkg_cflags,$(RENDER_PKGS)) $(ANALYSIS_CFLAGS)
RENDER_LIBS := $(call pkg_libs,$(RENDER_PKGS)) $(ANALYSIS_LIBS)
CLI_CFLAGS := $(call pkg_cflags,$(GEODATA_PKGS) $(RENDER_PKGS)) $(ANALYSIS_CFLAGS)
CLI_LIBS := $(call pkg_libs,$(GEODATA_PKGS) $(RENDER_PKGS)) $(ANALYSIS_LIBS)
# What uses no layer (the stub of the link check, tools/lib/).
NONE_CFLAGS :=
NONE_LIBS :=

ifeq ($(SAN),1)
  SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  OPT = -O1 -g
endif

CPPFLAGS += -D_GNU_SOURCE
CFLAGS += $(OPT) $(WARN) $(WERROR) $(SANFLAGS) -MMD -MP
LDFLAGS += $(SANFLAGS)
LDLIBS += -lpthread -lm

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

# Message catalogues (docs/ARCHITECTURE.md, "Messages and languages"): the
# English msgids of the sources, po/<lang>.po translated, compiled next to the
# binary as $(BUILD)/locale/<lang>/LC_MESSAGES/orgcover.mo.
PO_LANGS := zh_CN
MO := $(foreach l,$(PO_LANGS),$(BUILD)/locale/$(l)/LC_MESSAGES/orgcover.mo)

TOOLS := $(patsubst tools/%.c,$(BUILD)/tools/%,$(wildcard tools/*.c))

.PHONY: all deps deps-check demo check check-plain check-san unit e2e bench bench-peers bench-peers-quick install clean format format-check tools layers-check pot
all: $(BIN) $(MO)

# An object compiles with its layer's flags (LAYER_CFLAGS, set per folder below).
$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CPPFLAGS) $(CFLAGS) $(LAYER_CFLAGS) -c $< -o $@

$(BUILD)/obj/analysis/%.o $(BUILD)/obj/tests/unit/analysis/%.o: LAYER_CFLAGS = $(ANALYSIS_CFLAGS)
$(BUILD)/obj/geodata/%.o $(BUILD)/obj/tests/unit/geodata/%.o: LAYER_CFLAGS = $(GEODATA_CFLAGS)
$(BUILD)/obj/render/%.o $(BUILD)/obj/tests/unit/render/%.o: LAYER_CFLAGS = $(RENDER_CFLAGS)
$(BUILD)/obj/cli/%.o: LAYER_CFLAGS = $(CLI_CFLAGS)
# Where `make install` puts the message catalogues (cli/lang.c looks there last).
$(BUILD)/obj/cli/lang.o: LAYER_CFLAGS = $(CLI_CFLAGS) -DCOV_LOCALEDIR='"$(PREFIX)/share/locale"'
# ... rebuilt when PREFIX changes (`make` then `make install PREFIX=/usr`).
$(BUILD)/obj/cli/lang.o: $(BUILD)/prefix.stamp
$(BUILD)/prefix.stamp: FORCE
	@mkdir -p $(dir $@)
	@echo '$(PREFIX)' | cmp -s - $@ 2>/dev/null || echo '$(PREFIX)' >$@

$(LIB_ANALYSIS): $(call obj,$(ANALYSIS_SRC)) $(BUILD)/libanalysis.members
$(LIB_GEODATA): $(call obj,$(GEODATA_SRC)) $(BUILD)/libgeodata.members
$(LIB_RENDER): $(call obj,$(RENDER_SRC)) $(BUILD)/librender.members
$(LIB_TOOLS): $(call obj,$(TOOLS_LIB_SRC)) $(BUILD)/libtools.members
$(BUILD)/lib%.a:
	@mkdir -p $(dir $@)
	@rm -f $@ && ar rcs $@ $(filter %.o,$^)
# An archive's member list, rewritten only when it changes (a source file added,
# deleted or renamed), so that the archive is rebuilt without stale objects: the
# layer link check below links archives whole.
$(BUILD)/lib%.members: FORCE
	@mkdir -p $(dir $@)
	@echo '$(call obj,$(MEMBERS_$*))' | cmp -s - $@ 2>/dev/null || \
	    echo '$(call obj,$(MEMBERS_$*))' >$@
MEMBERS_analysis = $(ANALYSIS_SRC)
MEMBERS_geodata = $(GEODATA_SRC)
MEMBERS_render = $(RENDER_SRC)
MEMBERS_tools = $(TOOLS_LIB_SRC)
.PHONY: FORCE
FORCE:

# A layer's archive and those below it, in link order.
ANALYSIS_ARCHIVES := $(LIB_ANALYSIS)
GEODATA_ARCHIVES := $(LIB_GEODATA) $(LIB_ANALYSIS)
RENDER_ARCHIVES := $(LIB_RENDER) $(LIB_ANALYSIS)
CLI_ARCHIVES := $(LIB_RENDER) $(LIB_GEODATA) $(LIB_ANALYSIS)
NONE_ARCHIVES :=

$(BIN): $(call obj,$(CLI_SRC)) $(CLI_ARCHIVES)
	$(CC) $(LDFLAGS) -o $@ $^ $(CLI_LIBS) $(LDLIBS)

$(BUILD)/locale/%/LC_MESSAGES/orgcover.mo: po/%.po
	@mkdir -p $(dir $@)
	@echo "  MSGFMT  $<"
	@msgfmt --check -o $@ $<

# The sources' messages (po/mkpot.sh), then msgmerge into each translation;
# no line numbers, so the files change only when a message does.
pot:
	sh po/mkpot.sh po/orgcover.pot
	for l in $(PO_LANGS); do msgmerge --quiet --update --backup=none --add-location=file \
	    po/$$l.po po/orgcover.pot || exit 1; done

$(UNIT_ANALYSIS): $(BUILD)/tests/%: $(BUILD)/obj/tests/unit/analysis/%.o $(ANALYSIS_ARCHIVES)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(ANALYSIS_LIBS) $(CMOCKA_LIBS) $(LDLIBS)
$(UNIT_GEODATA): $(BUILD)/tests/%: $(BUILD)/obj/tests/unit/geodata/%.o $(GEODATA_ARCHIVES)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(GEODATA_LIBS) $(CMOCKA_LIBS) $(LDLIBS)
$(UNIT_RENDER): $(BUILD)/tests/%: $(BUILD)/obj/tests/unit/render/%.o $(RENDER_ARCHIVES)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(RENDER_LIBS) $(CMOCKA_LIBS) $(LDLIBS)
# The render tests read Chinese map text through the compiled catalogue.
$(UNIT_RENDER): | $(MO)

# Tools: each is built on one layer (its flags, its archives and those below,
# its libraries), plus the tools' own helpers (tools/lib/, the XLSX writer, zlib).
# A tool not listed here is built on cli, i.e. with everything.
TOOL_LAYER_bench_assign := ANALYSIS
TOOL_LAYER_bench_place := ANALYSIS
TOOL_LAYER_bench_propose := ANALYSIS
TOOL_LAYER_bench_render := RENDER
TOOL_LAYER_mkcountry := GEODATA
TOOL_LAYER_mksample := GEODATA
TOOL_LAYER_mkxlsx := NONE
tool_layer = $(or $(TOOL_LAYER_$(1)),CLI)
$(call obj,$(TOOLS_LIB_SRC)): LAYER_CFLAGS = $(NONE_CFLAGS)
# mksample's stages (tools/lib/sample*.c) read and write with OGR and GEOS.
$(call obj,$(filter tools/lib/sample%,$(TOOLS_LIB_SRC))): LAYER_CFLAGS = $(GEODATA_CFLAGS)
define tool_rules
$(BUILD)/obj/tools/$(1).o: LAYER_CFLAGS = $$($(call tool_layer,$(1))_CFLAGS)
$(BUILD)/tools/$(1): $(BUILD)/obj/tools/$(1).o $(LIB_TOOLS) $$($(call tool_layer,$(1))_ARCHIVES)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(LDFLAGS) -o $$@ $$^ $$($(call tool_layer,$(1))_LIBS) -lz $$(LDLIBS)
endef
$(foreach t,$(TOOLS:$(BUILD)/tools/%=%),$(eval $(call tool_rules,$(t))))
tools: $(TOOLS)

# The link half of the layer check: each layer's archive linked whole into a
# program that does nothing (tests/layers/link.c), with that layer's libraries
# only. A call from analysis/ into SQLite, say, is an undefined reference here
# even when no test happens to pull the object that makes it.
LAYER_LINKS := $(BUILD)/layers/analysis $(BUILD)/layers/geodata $(BUILD)/layers/render
$(BUILD)/layers/analysis: LINK_ARCHIVES = $(LIB_ANALYSIS)
$(BUILD)/layers/analysis: LINK_LIBS = $(ANALYSIS_LIBS)
$(BUILD)/layers/geodata: LINK_ARCHIVES = $(LIB_GEODATA) $(LIB_ANALYSIS)
$(BUILD)/layers/geodata: LINK_LIBS = $(GEODATA_LIBS)
$(BUILD)/layers/render: LINK_ARCHIVES = $(LIB_RENDER) $(LIB_ANALYSIS)
$(BUILD)/layers/render: LINK_LIBS = $(RENDER_LIBS)
$(LAYER_LINKS): $(BUILD)/layers/%: $(BUILD)/obj/tests/layers/link.o $(BUILD)/lib%.a $(LIB_ANALYSIS)
	@mkdir -p $(dir $@)
	@echo "  LINK    $* alone"
	@$(CC) $(LDFLAGS) -o $@ $< -Wl,--whole-archive $(LINK_ARCHIVES) -Wl,--no-whole-archive \
	    $(LINK_LIBS) $(LDLIBS)

# Fails when a layer includes what it must not (tests/layers/check.sh), when
# that check would miss a bad include (tests/layers/test.sh), when a layer's
# compile flags let another layer's headers through, or a layer's archive
# needs a library that is not its own.
layers-check: $(LAYER_LINKS)
	@sh tests/layers/check.sh .
	@CC="$(CC)" ANALYSIS_CFLAGS="$(ANALYSIS_CFLAGS)" GEODATA_CFLAGS="$(GEODATA_CFLAGS)" \
	    RENDER_CFLAGS="$(RENDER_CFLAGS)" sh tests/layers/test.sh

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
	$(MAKE) --no-print-directory layers-check BUILD=build/check WERROR=-Werror
	$(MAKE) --no-print-directory check-plain BUILD=build/check WERROR=-Werror
	$(MAKE) --no-print-directory check-san BUILD=build/san SAN=1 WERROR=-Werror
	$(MAKE) --no-print-directory fuzz-replay
	@sh tests/summary.sh build/check/results build/san/results

# fast_unwind_on_malloc=0: the suppressed cairo leak is only matched with full stacks.
SAN_ENV = ASAN_OPTIONS=detect_leaks=1:fast_unwind_on_malloc=0 \
          LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
          UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
check-plain check-san: $(BIN) $(MO) $(UNIT_TESTS) $(TOOLS) $(LAYER_LINKS)
	@mkdir -p $(BUILD)/results
	$(SAN_ENV) sh tests/run-unit.sh --results $(BUILD)/results/unit $(UNIT_TESTS)
	$(SAN_ENV) sh tests/e2e/run.sh --results $(BUILD)/results/e2e $(BIN)

demo: deps
	$(MAKE) --no-print-directory all
	$(BIN) demo orgcover-demo

bench: $(BIN) $(TOOLS)
	sh bench/run.sh $(BUILD) | tee $(BUILD)/bench.txt

# Side by side with PostGIS and SpatiaLite (bench/peers.sh); fails when the answers differ.
bench-peers bench-peers-quick: $(BIN) $(BUILD)/tools/mkcountry deps-check
	@{ sh bench/peers.sh $(BUILD) $(if $(filter %-quick,$@),quick,full); echo $$? > $(BUILD)/$@.rc; } | \
	    tee $(BUILD)/$@.txt; exit $$(cat $(BUILD)/$@.rc)

install: $(BIN) $(MO)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/orgcover/lianyungang/source
	for l in $(PO_LANGS); do install -d $(DESTDIR)$(PREFIX)/share/locale/$$l/LC_MESSAGES && \
	    install -m 644 $(BUILD)/locale/$$l/LC_MESSAGES/orgcover.mo \
	        $(DESTDIR)$(PREFIX)/share/locale/$$l/LC_MESSAGES/orgcover.mo || exit 1; done
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
