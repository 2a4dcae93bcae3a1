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
COMPILER_INC := $(shell $(CC) -print-file-name=include)
MODULE_CFLAGS := -std=c11 -Wall -Wextra -Werror -O2 -g -fPIC \
    -fvisibility=hidden -ffreestanding -nostdinc -isystem $(COMPILER_INC) \
    -fno-stack-protector -fno-lto -fno-function-sections -fno-data-sections \
    $(if $(findstring clang,$(shell $(CC) --version)),,-fno-tree-loop-distribute-patterns -fno-schedule-insns2)

# Sources inside the boundary, all reached from src/module/module.c (one
# translation unit). Listed here only so that make rebuilds on change.
MODULE_SRCS := $(wildcard src/module/*.c src/module/*.h src/sha2/*.c src/sha2/*.h \
                          src/hmac/*.c src/hmac/*.h src/module/freestanding/*.h)
PLATFORM_SRCS := $(wildcard src/platform/*.c)
TOOL_SRCS := $(wildcard src/tools/*.c)
HEADERS := $(wildcard include/fipsmod/*.h)

LIB_A   := $(BUILD)/libfipsmod.a
LIB_SO  := $(BUILD)/libfipsmod.so.$(SOVER)
TOOL    := $(BUILD)/fipsmod
MODULE_O := $(BUILD)/obj/module.o
PLATFORM_O := $(PLATFORM_SRCS:src/%.c=$(BUILD)/obj/%.o)
TOOL_O := $(TOOL_SRCS:src/%.c=$(BUILD)/obj/%.o)

TEST_SRCS  := $(wildcard tests/test_*.c)
TEST_UTIL  := $(wildcard tests/util/*.c)
TEST_BINS  := $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%)

DEPS := tests/deps.sh

.PHONY: all test install-test kat kat-portable bench install clean deps-tool deps-test kat-vectors check-exports
.DELETE_ON_ERROR:

all: $(LIB_A) $(LIB_SO) $(TOOL)

deps-tool:
	@sh $(DEPS) jansson
deps-test:
	@sh $(DEPS) jansson cmocka libcrypto

$(MODULE_O): $(MODULE_SRCS) $(HEADERS) Makefile
	@mkdir -p $(@D)
	$(CC) $(MODULE_CFLAGS) $(INC) -Isrc/module/freestanding -c src/module/module.c -o $@
	@# The module may call nothing but the platform layer.
	@undef=$$(nm -u $@ | awk '{print $$2}' | grep -v '^fm_platform_' || true); \
	if [ -n "$$undef" ]; then echo "module.o calls outside the boundary: $$undef" >&2; rm -f $@; exit 1; fi

$(BUILD)/obj/platform/%.o: src/platform/%.c $(wildcard src/platform/*.h) $(HEADERS) Makefile
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -fPIC -fvisibility=hidden -D_GNU_SOURCE $(INC) -c $< -o $@

$(LIB_A): $(MODULE_O) $(PLATFORM_O)
	@rm -f $@
	$(AR) rcs $@ $^

$(LIB_SO): $(MODULE_O) $(PLATFORM_O) src/fipsmod.map
	$(CC) -shared -o $@ $(MODULE_O) $(PLATFORM_O) -Wl,-soname,libfipsmod.so.$(SOVER) \
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

# ---- tests ---------------------------------------------------------------
TEST_LIBS = $$(pkg-config --libs cmocka jansson libcrypto) -lpthread

$(BUILD)/tests/%: tests/%.c $(TEST_UTIL) $(wildcard tests/util/*.h) $(LIB_A) | deps-test
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -Wno-deprecated-declarations -D_GNU_SOURCE $(INC) -Itests/util \
	    -o $@ $< $(TEST_UTIL) $(LIB_A) $(TEST_LIBS)

test: all check-exports install-test $(TEST_BINS) | deps-test
	@sh tests/run-tests.sh $(TEST_BINS)

# Install into a scratch prefix and build a program against it with pkg-config.
install-test: all
	@rm -rf $(BUILD)/inst
	@$(MAKE) -s install PREFIX=$(CURDIR)/$(BUILD)/inst >/dev/null
	@sh tests/install-test.sh $(CURDIR)/$(BUILD)/inst

# ---- KAT harness (the main job) -------------------------------------------
$(BUILD)/kat-grade: tests/kat/kat_grade.c | deps-tool
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -D_GNU_SOURCE -o $@ $< $$(pkg-config --cflags --libs jansson)

kat: all $(BUILD)/kat-grade
	@sh tests/kat/run-kat.sh

# The same harness with every family forced onto its portable code.
kat-portable: all $(BUILD)/kat-grade
	@FIPSMOD_CPU=portable sh tests/kat/run-kat.sh

# Regenerate kat-vectors/ from OpenSSL's libcrypto (the independent oracle).
$(BUILD)/gen-kat-vectors: tests/kat/gen_kat_vectors.c
	@sh $(DEPS) jansson libcrypto
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -D_GNU_SOURCE -o $@ $< $$(pkg-config --cflags --libs jansson libcrypto)

kat-vectors: $(BUILD)/gen-kat-vectors
	$(BUILD)/gen-kat-vectors kat-vectors

# ---- benchmarks ------------------------------------------------------------
$(BUILD)/bench: tests/bench/bench.c $(LIB_A) | deps-test
	@mkdir -p $(@D)
	$(CC) $(WARN) -O2 -g -Wno-deprecated-declarations -D_GNU_SOURCE $(INC) -o $@ $< $(LIB_A) \
	    $$(pkg-config --libs libcrypto)

bench: $(BUILD)/bench
	$(BUILD)/bench $(FILTER)

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
