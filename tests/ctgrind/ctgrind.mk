# SPDX-License-Identifier: Apache-2.0
# `make ctgrind`: the constant-time check under valgrind memcheck
# (fipsmod/ctgrind.h explains the technique, tests/ctgrind/ctgrind.c the
# cases). `make ctgrind-selfcheck` builds the same driver with deliberate
# leaks and requires memcheck to report every one of them, so that a clean
# `make ctgrind` means something; `make ctgrind` runs it first.
#
# Included by the main Makefile, which defines BUILD, WARN, CFLAGS, INC and
# the test variant of the library, $(BUILD)/ctgrind/libfipsmod.a, whose
# module is compiled with -DFM_CTGRIND and reaches <valgrind/memcheck.h>
# through the link $(BUILD)/ctgrind/inc/valgrind -> /usr/include/valgrind.

CTGRIND_DIR := $(BUILD)/ctgrind
CTGRIND_LIB := $(CTGRIND_DIR)/libfipsmod.a
CTGRIND_BIN := $(CTGRIND_DIR)/ctgrind
CTGRIND_SELFCHECK_BIN := $(CTGRIND_DIR)/ctgrind-selfcheck
CTGRIND_VALGRIND := valgrind --tool=memcheck --error-exitcode=1 --track-origins=yes -q
# DWARF 4: valgrind 3.19 cannot read the DWARF 5 forms Clang emits (it
# gives up on the whole executable) and the reports need file:line.
CTGRIND_CFLAGS = $(WARN) $(CFLAGS) -gdwarf-4 -D_GNU_SOURCE $(INC) -I$(CTGRIND_DIR)/inc -DFM_CTGRIND
CTGRIND_DEPS := tests/ctgrind/ctgrind.c tests/ctgrind/ctgrind.mk $(wildcard include/fipsmod/*.h) $(CTGRIND_LIB)

.PHONY: ctgrind ctgrind-selfcheck ctgrind-valgrind

# valgrind and its client-request headers (both in the Debian package
# valgrind): as root, install it; otherwise print the command and fail.
ctgrind-valgrind:
	@if command -v valgrind >/dev/null 2>&1 && [ -f /usr/include/valgrind/memcheck.h ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "ctgrind: installing valgrind (apt-get install -y valgrind)" >&2; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    log=$$(mktemp "$${TMPDIR:-/tmp}/fipsmod-apt.XXXXXX"); \
	    apt-get update -qq >"$$log" 2>&1 || true; \
	    if apt-get install -y -qq valgrind >>"$$log" 2>&1; then rm -f "$$log"; exit 0; fi; \
	    cat "$$log" >&2; rm -f "$$log"; \
	    echo "ctgrind: apt-get install -y valgrind failed" >&2; exit 1; \
	fi; \
	echo "ctgrind: valgrind is not installed; run:  sudo apt-get install -y valgrind" >&2; \
	exit 1

# Everything compiled against the headers behind the link waits for them.
$(CTGRIND_DIR)/inc/valgrind: | ctgrind-valgrind
$(CTGRIND_DIR)/obj/platform.o: | $(CTGRIND_DIR)/inc/valgrind

$(CTGRIND_BIN): $(CTGRIND_DEPS) | $(CTGRIND_DIR)/inc/valgrind
	$(CC) $(CTGRIND_CFLAGS) -o $@ tests/ctgrind/ctgrind.c $(CTGRIND_LIB)

$(CTGRIND_SELFCHECK_BIN): $(CTGRIND_DEPS) | $(CTGRIND_DIR)/inc/valgrind
	$(CC) $(CTGRIND_CFLAGS) -DCTGRIND_SELFCHECK -o $@ tests/ctgrind/ctgrind.c $(CTGRIND_LIB)

# Any memcheck error fails the target (valgrind exits 1); the driver's last
# line is "N passed, N failed" over the (algorithm, implementation) cases.
# Then the white-box checks of the big-integer layer and the OAEP decoder
# (tests/unit/*_ctgrind.c), which mark the operands of the internal
# functions secret directly; they also reach the MULX kernels, which the
# module-level driver cannot (valgrind hides ADX from cpuid).
ctgrind: ctgrind-selfcheck $(CTGRIND_BIN) $(UNIT_CTGRIND)
	@$(CTGRIND_VALGRIND) $(CTGRIND_BIN)
	@for t in $(UNIT_CTGRIND); do echo "=== $$(basename $$t) (valgrind memcheck)"; \
	    out=$$($(CTGRIND_VALGRIND) $$t 2>&1); rc=$$?; echo "$$out" | tail -n 2; \
	    [ $$rc -eq 0 ] || { echo "$$out" | tail -n 40; echo "ctgrind: $$t failed (exit $$rc)"; exit 1; }; done

# Here memcheck must fail the run, and the driver must confirm that every
# deliberate leak raised errors. The reports go to a log, shown on failure.
ctgrind-selfcheck: $(CTGRIND_SELFCHECK_BIN)
	@log=$(CTGRIND_DIR)/selfcheck.log; \
	$(CTGRIND_VALGRIND) $(CTGRIND_SELFCHECK_BIN) >"$$log" 2>&1; rc=$$?; \
	sum=$$(grep -E '^ctgrind-selfcheck: ' "$$log" | tail -n 1); \
	if [ "$$rc" -ne 0 ] && grep -qE '^[1-9][0-9]* passed, 0 failed$$' "$$log" && \
	   echo "$$sum" | grep -q ': \([0-9][0-9]*\)/\1 deliberate leaks detected'; then \
	    jumps=$$(grep -c 'Conditional jump or move depends on uninitialised' "$$log"); \
	    addrs=$$(grep -c 'Use of uninitialised value of size' "$$log"); \
	    echo "ctgrind-selfcheck: passed: memcheck failed the leaky build (exit $$rc) with" \
	         "$$jumps reports of a secret-dependent branch and $$addrs of a secret-dependent address;" \
	         "$${sum#ctgrind-selfcheck: }"; \
	else \
	    cat "$$log"; \
	    echo "ctgrind-selfcheck: FAILED: the harness did not report every deliberate leak" \
	         "(valgrind exit $$rc; reports in $$log)" >&2; \
	    exit 1; \
	fi
