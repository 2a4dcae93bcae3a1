#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Check an installed fipsmod tree: build a small C program against it with
# the flags pkg-config reports for `fipsmod`, run it, and check that it
# hashes "abc" to the FIPS 180-4 SHA-256 answer and that the library it
# loads reports the version its header declares.
#
# Usage: sh tests/install-test.sh PREFIX     (after `make install PREFIX=...`)
# Prints "PASS install: ..." and exits 0, or prints why and exits 1.
set -u

if [ "$#" -ne 1 ]; then
    echo "usage: $0 PREFIX" >&2
    exit 2
fi
prefix=$1
CC=${CC:-cc}

fail() {
    echo "FAIL install: $*"
    exit 1
}

[ -f "$prefix/lib/pkgconfig/fipsmod.pc" ] || fail "$prefix/lib/pkgconfig/fipsmod.pc not found"
flags=$(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs fipsmod) ||
    fail "pkg-config --cflags --libs fipsmod failed for $prefix"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fipsmod-install.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

cat >"$tmp/abc.c" <<'EOF'
/* SPDX-License-Identifier: Apache-2.0 */
/* Hash "abc" with the installed fipsmod and print the digest in hex. */
#include <fipsmod/fipsmod.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    uint8_t md[FM_SHA256_LEN];
    const char *version = "";
    int rc = fm_init(0);
    size_t i;

    if (rc == FM_OK)
        rc = fm_hash(FM_SHA256, "abc", 3, md, sizeof md);
    if (rc == FM_OK)
        rc = fm_version(&version);
    if (rc != FM_OK) {
        printf("error %d\n", rc);
        return 1;
    }
    if (strcmp(version, FM_VERSION_STRING) != 0) {
        printf("library version %s, header version %s\n", version, FM_VERSION_STRING);
        return 1;
    }
    for (i = 0; i < sizeof md; i++)
        printf("%02x", md[i]);
    printf(" %s\n", version);
    return 0;
}
EOF

# shellcheck disable=SC2086  # $flags is a list of options
"$CC" -std=c11 -Wall -Wextra -Werror -o "$tmp/abc" "$tmp/abc.c" $flags ||
    fail "cannot build against $prefix with: $flags"
out=$(LD_LIBRARY_PATH="$prefix/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$tmp/abc") ||
    fail "the program built against $prefix failed: $out"
want="ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
digest=${out%% *}
version=${out#* }
[ "$digest" = "$want" ] || fail "SHA-256(\"abc\") = $digest, expected $want"
echo "PASS install: $prefix: pkg-config fipsmod builds, SHA-256(\"abc\") = $digest, version $version"
