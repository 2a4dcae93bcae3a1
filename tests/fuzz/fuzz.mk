# SPDX-License-Identifier: Apache-2.0
# `make fuzz`: each libFuzzer target under ASan and UBSan for FUZZ_TIME
# seconds (default 60), starting from its seed corpus in
# tests/fuzz/corpus/<name>/ (the corpus found during the run is kept in
# build/fuzz/work-<name>/, outside the repository). A crash, leak or
# sanitizer report fails the target; libFuzzer writes the input that
# caused it to build/fuzz/ and names it in its output.
#
# Needs clang (libFuzzer ships with it): as root it is installed with apt;
# otherwise the exact command is printed.
#
# Targets: fuzz_rsa_der (DER and PEM parsers for RSA keys, src/keys/),
# fuzz_ec_der (the EC key parser and encoder and fm_key_der_type, with the
# same PEM layer), fuzz_ecdsa_verify (fm_ecdsa_verify on random and edited
# signatures, its verdict compared with OpenSSL's libcrypto). The key-format sources are compiled into each target
# with the sanitizers and coverage; the rest comes from the library.

FUZZ_CC ?= clang
FUZZ_TIME ?= 60
FUZZ_TARGETS := rsa_der ec_der ecdsa_verify
FUZZ_CFLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    $(WARN) -D_GNU_SOURCE $(INC)

.PHONY: fuzz-clang

fuzz-clang:
	@if command -v $(FUZZ_CC) >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "fuzz: installing clang (apt-get install -y clang)" >&2; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -qq >/dev/null 2>&1 || true; \
	    apt-get install -y -qq clang >/dev/null 2>&1 && exit 0; \
	    echo "fuzz: apt-get install -y clang failed" >&2; exit 1; \
	fi; \
	echo "fuzz: clang is not installed; run:  sudo apt-get install -y clang" >&2; exit 1

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(KEYS_SRCS) src/keys/der.h $(HEADERS) $(LIB_A) | fuzz-clang
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(KEYS_SRCS) $(LIB_A) -lpthread

# The verification target needs libcrypto, the oracle, and no key formats.
$(BUILD)/fuzz/fuzz_ecdsa_verify: tests/fuzz/fuzz_ecdsa_verify.c $(HEADERS) $(LIB_A) | fuzz-clang
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(LIB_A) $$(pkg-config --libs libcrypto) -lpthread

fuzz: $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz_%)
	@for t in $(FUZZ_TARGETS); do \
	    mkdir -p $(BUILD)/fuzz/work-$$t; \
	    echo "fuzz: $$t for $(FUZZ_TIME) s"; \
	    $(BUILD)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_TIME) -max_len=4096 \
	        -artifact_prefix=$(BUILD)/fuzz/ -print_final_stats=1 \
	        $(BUILD)/fuzz/work-$$t tests/fuzz/corpus/$$t 2>$(BUILD)/fuzz/$$t.log; \
	    rc=$$?; grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' $(BUILD)/fuzz/$$t.log; \
	    if [ $$rc -ne 0 ]; then tail -n 40 $(BUILD)/fuzz/$$t.log; \
	        echo "fuzz: $$t FAILED (exit $$rc; log $(BUILD)/fuzz/$$t.log)" >&2; exit 1; fi; \
	    echo "fuzz: $$t clean"; \
	done
