# SPDX-License-Identifier: Apache-2.0
# Break tests (tests/break/break_tests.c), included by the main Makefile:
#     include tests/break/break.mk
# `make break-tests` builds the driver against the test-only library
# $(BUILD)/break/libfipsmod.a (compiled with -DFM_BREAK_TESTS, which makes
# FIPSMOD_BREAK=<self-test name> corrupt that self-test) and runs it from the
# repository root: it reads include/fipsmod/*.h to check that it walks every
# exported function. Plain C; no cmocka, no OpenSSL.

BREAK_TESTS_BIN := $(BUILD)/break/break_tests

.PHONY: break-tests

$(BREAK_TESTS_BIN): tests/break/break_tests.c $(BUILD)/break/libfipsmod.a \
                    $(wildcard include/fipsmod/*.h) tests/break/break.mk
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -D_GNU_SOURCE $(INC) -o $@ tests/break/break_tests.c \
	    $(BUILD)/break/libfipsmod.a

break-tests: $(BREAK_TESTS_BIN)
	@env -u FIPSMOD_BREAK $(BREAK_TESTS_BIN)

# The fipsmod tool on the test-only library: what an operator would see when
# a self-test fails (FIPSMOD_BREAK=<name>) or the noise source is bad
# (FIPSMOD_ENTROPY_FAKE=stuck|biased). tests/test_runbook.c runs it to check
# the outputs README's operator runbook shows.
BREAK_TOOL := $(BUILD)/break/fipsmod

$(BREAK_TOOL): $(TOOL_O) $(BUILD)/break/libfipsmod.a | deps-tool
	$(CC) $(CFLAGS) -o $@ $(TOOL_O) $(BUILD)/break/libfipsmod.a \
	    $$(pkg-config --libs jansson) -lpthread
$(BUILD)/tests/test_runbook: $(BREAK_TOOL) $(TOOL)
