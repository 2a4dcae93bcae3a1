#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Make sure the Debian packages a build step needs are present.
# Usage: tests/deps.sh NAME...   where NAME is a pkg-config module:
#   jansson (the tool's JSON parser), cmocka (unit tests), libcrypto (the
#   OpenSSL oracle for tests and benchmarks).
# As root, missing packages are installed with apt-get; otherwise the exact
# command to run is printed and the script fails.
set -u
pkg_of() {
    case "$1" in
        jansson) echo libjansson-dev ;;
        cmocka) echo libcmocka-dev ;;
        libcrypto) echo libssl-dev ;;
        *) echo "deps.sh: unknown dependency $1" >&2; exit 2 ;;
    esac
}
missing=""
command -v pkg-config >/dev/null 2>&1 || missing="pkgconf"
for m in "$@"; do
    if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists "$m"; then
        missing="$missing $(pkg_of "$m")"
    fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "deps.sh: installing$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    log=$(mktemp "${TMPDIR:-/tmp}/fipsmod-apt.XXXXXX")
    apt-get update -qq >"$log" 2>&1 || true
    # shellcheck disable=SC2086
    if apt-get install -y -qq $missing >>"$log" 2>&1; then
        rm -f "$log"
        exit 0
    fi
    cat "$log" >&2
    rm -f "$log"
    echo "deps.sh: apt-get install$missing failed" >&2
    exit 1
fi
echo "deps.sh: missing Debian packages:$missing" >&2
echo "deps.sh: run:  sudo apt-get install -y$missing" >&2
exit 1
