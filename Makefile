# SPDX-License-Identifier: Apache-2.0
# fipsmod build. `make` builds build/libfipsmod.a, build/libfipsmod.so.1 and
# the command-line tool build/fipsmod. See README.md for every target.

CC      ?= cc
AR      ?= ar
PREFIX  ?= /usr/local
BUILD   := build
SOVER   := 1
VERSION := 0.1.0

# Flags for code outside the module boundary (platform layer, tools, tests).
CFLAGS  ?= -O2 -g
WARN    := -std=c11 -Wall -Wextra -Werror
INC     := -Iinclude

# The module object is built with pinned flags, whatever CFLAGS says: the
# bytes it contains are what the integrity test covers (module-boundary.md).
# It is freestanding: no libc headers are reachable, only the compiler's own
# (stddef.h, stdint.h, cpuid.h, immintrin.h, stdatomic.h). With GCC, the
# post-register-allocation scheduler is off: the hash rounds are written in
# the order that keeps their critical path short, and GCC's generic schedule
# made SHA-512 about 6% slower (measured; Clang keeps that order anyway).
# Clang turns switches that return constants into tables of pointers, which
# need absolute relocations inside the hashed range: -fno-jump-tables.
COMPILER_INC := $(shell $(CC) -print-file-name=include)
MODULE_CFLAGS := -std=c11 -Wall -Wextra -Werror -O2 -g -fPIC \
    -fvisibility=hidden -ffreestanding -nostdinc -isystem $(COMPILER_INC) \
    -fno-stack-protector -fno-lto -fno-function-sections -fno-data-sections \
    $(if $(findstring clang,$(shell $(CC) --version)),-fno-jump-tables,-fno-tree-loop-distribute-patterns -fno-schedule-insns2)

# Sources inside the boundary, all reached from src/module/module.c (one
# translation unit). Listed here only so that make rebuilds on change.
MODULE_SRCS := $(wildcard src/module/*.c src/module/*.h src/sha2/*.c src/sha2/*.h \
                          src/hmac/*.c src/hmac/*.h src/aes/*.c src/aes/*.h \
                          src/drbg/*.c src/drbg/*.h src/rsa/*.c src/rsa/*.h \
                          src/ec/*.c src/ec/*.h \
                          src/module/freestanding/*.h)
PLATFORM_SRCS := src/platform/platform.c
# Key formats (DER, PEM): in the library, outside the module boundary.
KEYS_SRCS := $(wildcard src/keys/*.c)
KEYS_O := $(KEYS_SRCS:src/%.c=$(BUILD)/obj/%.o)
# Monitoring formats (Prometheus text): in the library, outside the boundary.
MONITOR_SRCS := $(wildcard src/monitor/*.c)
MONITOR_O := $(MONITOR_SRCS:src/%.c=$(BUILD)/obj/%.o)
TOOL_SRCS := $(wildcard src/tools/*.c)
HEADERS := $(wildcard include/fipsmod/*.h)

LIB_A   := $(BUILD)/libfipsmod.a
LIB_SO  := $(BUILD)/libfipsmod.so.$(SOVER)
TOOL    := $(BUILD)/fipsmod
TOOL_STATIC := $(BUILD)/fipsmod-static
MODULE_O := $(BUILD)/obj/module.o
PLATFORM_O := $(BUILD)/obj/platform.o
TOOL_O := $(TOOL_SRCS:src/%.c=$(BUILD)/obj/%.o)

TEST_SRCS  := $(wildcard tests/test_*.c)
TEST_UTIL  := $(wildcard tests/util/*.c)
TEST_BINS  := $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%)

DEPS := tests/deps.sh

.PHONY: all test install-test kat kat-portable bench install clean deps-tool deps-test kat-vectors check-exports fuzz ec-tables
.DELETE_ON_ERROR:

all: $(LIB_A) $(LIB_SO) $(TOOL) $(TOOL_STATIC) $(BUILD)/fipsmod.hmac

# The module HMAC of this build, for a pipeline to record at build time; the
# deploy gate is `fipsmod status --expect-hmac $$(cat build/fipsmod.hmac)`.
$(BUILD)/fipsmod.hmac: $(TOOL)
	@$(TOOL) status | sed -n 's/^module-hmac: //p' > $@.tmp && test -s $@.tmp && mv $@.tmp $@

deps-tool:
	@sh $(DEPS) jansson
deps-test:
	@sh $(DEPS) jansson cmocka libcrypto

# ---- the module object ------------------------------------------------------
# module.c (the hashed unit) and glue.c are compiled with the pinned flags,
# combined by `ld -r` with module.lds (fm_module_start | code | constants |
# fm_module_end | glue), hidden symbols made local, and then checked and
# given their integrity value by fm-inject. The result, obj/module.o, goes
# unchanged into both libraries. Test-only variants of the same pipeline
# build $(BUILD)/break/ (-DFM_BREAK_TESTS) and $(BUILD)/ctgrind/ (-DFM_CTGRIND).
LD      ?= ld
OBJCOPY ?= objcopy

# $(1): output directory, $(2): extra flags for the module and platform.
define module_variant
$(1)/obj/module_core.o: $$(MODULE_SRCS) $$(HEADERS) Makefile
	@mkdir -p $$(@D)
	$$(CC) $$(MODULE_CFLAGS) $(2) $$(INC) -Isrc/module/freestanding -c src/module/module.c -o $$@
$(1)/obj/module_glue.o: src/module/glue.c src/module/glue.h src/platform/platform.h Makefile
	@mkdir -p $$(@D)
	$$(CC) $$(MODULE_CFLAGS) $(2) $$(INC) -c src/module/glue.c -o $$@
$(1)/obj/module_linked.o: $(1)/obj/module_core.o $(1)/obj/module_glue.o src/module/module.lds
	$$(LD) -r -T src/module/module.lds -o $$@ $(1)/obj/module_core.o $(1)/obj/module_glue.o
	$$(OBJCOPY) --localize-hidden --localize-symbol=fm_module_start \
	    --localize-symbol=fm_module_end $$@
$(1)/obj/module.o: $(1)/obj/module_linked.o $$(BUILD)/fm-inject
	$$(BUILD)/fm-inject $$< $$@
	@# The module may call nothing but the platform layer (the glue's TLS
	@# access also names the linker-made _GLOBAL_OFFSET_TABLE_).
	@undef=$$$$(nm -u $$@ | awk '{print $$$$2}' | grep -v -x -e 'fm_platform_.*' -e '_GLOBAL_OFFSET_TABLE_' || true); \
	if [ -n "$$$$undef" ]; then echo "module.o calls outside the boundary: $$$$undef" >&2; rm -f $$@; exit 1; fi
$(1)/obj/platform.o: $$(PLATFORM_SRCS) src/platform/platform.h $$(HEADERS) Makefile
	@mkdir -p $$(@D)
	$$(CC) $$(WARN) $$(CFLAGS) -fPIC -fvisibility=hidden -D_GNU_SOURCE $(2) $$(INC) -c src/platform/platform.c -o $$@
$(1)/libfipsmod.a: $(1)/obj/module.o $(1)/obj/platform.o $$(KEYS_O) $$(MONITOR_O)
	@rm -f $$@
	$$(AR) rcs $$@ $$^
endef

$(eval $(call module_variant,$(BUILD),))
$(eval $(call module_variant,$(BUILD)/break,-DFM_BREAK_TESTS))
$(eval $(call module_variant,$(BUILD)/helgrind,-DFM_HELGRIND -isystem $(BUILD)/ctgrind/inc -gdwarf-4))
# (-gdwarf-4: valgrind 3.19 cannot read Clang 14's default DWARF 5.)
$(eval $(call module_variant,$(BUILD)/ctgrind,-DFM_CTGRIND -isystem $(BUILD)/ctgrind/inc -gdwarf-4))

# The ctgrind variant reaches valgrind's client-request header (and nothing
# else of /usr/include) through this link.
$(BUILD)/ctgrind/inc/valgrind:
	@mkdir -p $(@D)
	ln -sfn /usr/include/valgrind $@
$(BUILD)/ctgrind/obj/module_core.o: | $(BUILD)/ctgrind/inc/valgrind
$(BUILD)/helgrind/obj/module_core.o: | $(BUILD)/ctgrind/inc/valgrind

# The injector embeds the module's own code for its HMAC (see its header).
$(BUILD)/fm-inject: src/injector/fm_inject.c $(MODULE_SRCS) src/module/integrity.h $(HEADERS) Makefile
	@mkdir -p $(@D)
	$(CC) $(WARN) -O2 -g -D_GNU_SOURCE $(INC) -o $@ src/injector/fm_inject.c

$(BUILD)/obj/keys/%.o: src/keys/%.c src/keys/der.h $(HEADERS) Makefile
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -fPIC -fvisibility=hidden -D_GNU_SOURCE $(INC) -c $< -o $@

$(BUILD)/obj/monitor/%.o: src/monitor/%.c $(HEADERS) Makefile
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -fPIC -fvisibility=hidden -D_GNU_SOURCE $(INC) -c $< -o $@

$(LIB_SO): $(MODULE_O) $(PLATFORM_O) $(KEYS_O) $(MONITOR_O) src/fipsmod.map
	$(CC) -shared -o $@ $(MODULE_O) $(PLATFORM_O) $(KEYS_O) $(MONITOR_O) -Wl,-soname,libfipsmod.so.$(SOVER) \
	    -Wl,--version-script=src/fipsmod.map -Wl,-Bsymbolic -Wl,-z,noexecstack -Wl,-z,now
	ln -sf libfipsmod.so.$(SOVER) $(BUILD)/libfipsmod.so

check-exports: $(LIB_SO)
	@bad=$$(nm -D --defined-only $(LIB_SO) | awk '{print $$3}' | grep -v '^fm_' || true); \
	if [ -n "$$bad" ]; then echo "exported symbols without the fm_ prefix: $$bad" >&2; exit 1; fi; \
	echo "exports: $$(nm -D --defined-only $(LIB_SO) | grep -c ' T fm_') fm_ functions, nothing else"

# Tools live outside the boundary and use only the public API.
$(BUILD)/obj/tools/%.o: src/tools/%.c $(wildcard src/tools/*.h) $(HEADERS) Makefile | deps-tool
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -D_GNU_SOURCE $(INC) $$(pkg-config --cflags jansson) -c $< -o $@

# The rpath finds the library beside the tool in build/ and in PREFIX/lib
# once installed, so the same binary serves both.
$(TOOL): $(TOOL_O) $(LIB_SO) | deps-tool
	$(CC) $(CFLAGS) -o $@ $(TOOL_O) -L$(BUILD) -lfipsmod \
	    -Wl,-rpath,'$$ORIGIN:$$ORIGIN/../lib' $$(pkg-config --libs jansson)

# The same tool linked statically (libfipsmod.a, libc and jansson), so that
# both forms of the module are exercised.
$(TOOL_STATIC): $(TOOL_O) $(LIB_A) | deps-tool
	$(CC) $(CFLAGS) -static -o $@ $(TOOL_O) $(LIB_A) $$(pkg-config --libs --static jansson)

# ---- tests ---------------------------------------------------------------
TEST_LIBS = $$(pkg-config --libs cmocka jansson libcrypto) -lpthread

$(BUILD)/tests/%: tests/%.c $(TEST_UTIL) $(wildcard tests/util/*.h) $(LIB_A) | deps-test
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -Wno-deprecated-declarations -D_GNU_SOURCE $(INC) -Itests/util \
	    -o $@ $< $(TEST_UTIL) $(LIB_A) $(TEST_LIBS)

# test_entropy feeds the module fake noise sources (FIPSMOD_ENTROPY_FAKE),
# which only the test-only break build has: it links that library instead.
$(BUILD)/tests/test_entropy: tests/test_entropy.c $(TEST_UTIL) $(wildcard tests/util/*.h) \
                             $(BUILD)/break/libfipsmod.a | deps-test
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -Wno-deprecated-declarations -D_GNU_SOURCE $(INC) -Itests/util \
	    -o $@ $< $(TEST_UTIL) $(BUILD)/break/libfipsmod.a $(TEST_LIBS)

# test_threads runs its workload under valgrind's helgrind, against the
# test build whose module announces its own locks to helgrind.
$(BUILD)/tests/test_threads: tests/test_threads.c $(TEST_UTIL) $(wildcard tests/util/*.h) \
                             $(BUILD)/helgrind/libfipsmod.a | deps-test ctgrind-valgrind
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -Wno-deprecated-declarations -D_GNU_SOURCE $(INC) -Itests/util \
	    -o $@ $< $(TEST_UTIL) $(BUILD)/helgrind/libfipsmod.a $(TEST_LIBS)

test: all check-exports install-test $(TEST_BINS) unit | deps-test
	@sh tests/run-tests.sh $(TEST_BINS)

# White-box tests of internal layers (tests/unit/*_test.c): each program
# includes the module's source to reach its static functions, is linked
# with the glue and platform objects and OpenSSL as the oracle, prints its
# own PASS/FAIL line and exits non-zero on failure. The *_ctgrind.c ones
# run under valgrind in `make ctgrind`.
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(wildcard tests/unit/*_test.c))
UNIT_CTGRIND := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(wildcard tests/unit/*_ctgrind.c))
.PHONY: unit
$(BUILD)/unit/%: tests/unit/%.c $(MODULE_SRCS) $(HEADERS) $(BUILD)/obj/module_glue.o \
                 $(BUILD)/obj/platform.o | deps-test
	@mkdir -p $(@D)
	$(CC) $(WARN) -O2 -g -gdwarf-4 -D_GNU_SOURCE $(INC) -o $@ $< $(BUILD)/obj/module_glue.o \
	    $(BUILD)/obj/platform.o $$(pkg-config --libs libcrypto) -lpthread
unit: $(UNIT_TESTS)
	@for t in $(UNIT_TESTS); do echo "=== $$(basename $$t)"; $$t --no-bench | tail -n 3 || exit 1; done

# Install into a scratch prefix and build a program against it with pkg-config.
install-test: all
	@rm -rf $(BUILD)/inst
	@$(MAKE) -s install PREFIX=$(CURDIR)/$(BUILD)/inst >/dev/null
	@sh tests/install-test.sh $(CURDIR)/$(BUILD)/inst

# ---- KAT harness (the main job) -------------------------------------------
$(BUILD)/kat-grade: tests/kat/kat_grade.c | deps-tool
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -D_GNU_SOURCE -o $@ $< $$(pkg-config --cflags --libs jansson)

# The grader for responses that are random by design (generated keys, PSS
# signatures): it verifies them with OpenSSL's libcrypto instead.
$(BUILD)/kat-verify: tests/kat/kat_verify.c
	@sh $(DEPS) jansson libcrypto
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -D_GNU_SOURCE -o $@ $< $$(pkg-config --cflags --libs jansson libcrypto)

kat: all $(BUILD)/kat-grade $(BUILD)/kat-verify
	@sh tests/kat/run-kat.sh

# The same harness with every family forced onto its portable code.
kat-portable: all $(BUILD)/kat-grade $(BUILD)/kat-verify
	@FIPSMOD_CPU=portable sh tests/kat/run-kat.sh

# Regenerate kat-vectors/ from OpenSSL's libcrypto (the independent oracle).
$(BUILD)/gen-kat-vectors: tests/kat/gen_kat_vectors.c
	@sh $(DEPS) jansson libcrypto
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -D_GNU_SOURCE -o $@ $< $$(pkg-config --cflags --libs jansson libcrypto)

kat-vectors: $(BUILD)/gen-kat-vectors
	$(BUILD)/gen-kat-vectors kat-vectors

# Regenerate the fixed-base comb tables src/ec/*_table.h with the curves'
# own arithmetic (src/gen/ec_tables.c); tests/unit/ec_test.c checks every
# entry against OpenSSL.
EC_CURVES := p256 p384 p521
$(BUILD)/gen-ec-tables: src/gen/ec_tables.c $(wildcard src/ec/*_field.c) src/ec/ec_impl.h \
                        $(EC_CURVES:%=src/ec/%.c)
	@mkdir -p $(@D)
	$(CC) $(WARN) -Wno-unused-function -O2 $(INC) -o $@ $<

ec-tables: $(BUILD)/gen-ec-tables
	@for c in $(EC_CURVES); do $(BUILD)/gen-ec-tables $$c > src/ec/$${c}_table.h.tmp && \
	    mv src/ec/$${c}_table.h.tmp src/ec/$${c}_table.h && echo "src/ec/$${c}_table.h"; done

# ---- benchmarks ------------------------------------------------------------
$(BUILD)/bench: tests/bench/bench.c $(LIB_A) | deps-test
	@mkdir -p $(@D)
	$(CC) $(WARN) -O2 -g -Wno-deprecated-declarations -D_GNU_SOURCE $(INC) -o $@ $< $(LIB_A) \
	    $$(pkg-config --libs libcrypto)

bench: $(BUILD)/bench
	$(BUILD)/bench $(FILTER)

# Test-only targets kept beside their code.
include tests/break/break.mk tests/ctgrind/ctgrind.mk tests/fuzz/fuzz.mk

# ---- install ---------------------------------------------------------------
install: all
	install -d $(DESTDIR)$(PREFIX)/include/fipsmod $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/bin
	install -m 644 $(HEADERS) $(DESTDIR)$(PREFIX)/include/fipsmod/
	install -m 644 $(LIB_A) $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(LIB_SO) $(DESTDIR)$(PREFIX)/lib/
	ln -sf libfipsmod.so.$(SOVER) $(DESTDIR)$(PREFIX)/lib/libfipsmod.so
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' src/fipsmod.pc.in \
	    > $(DESTDIR)$(PREFIX)/lib/pkgconfig/fipsmod.pc
	install -m 755 $(TOOL) $(DESTDIR)$(PREFIX)/bin/fipsmod

clean:
	rm -rf $(BUILD)
