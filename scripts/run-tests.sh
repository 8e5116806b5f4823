#!/usr/bin/env bash
# scripts/run-tests.sh - installs what is missing, builds a Debug build with
# AddressSanitizer and UndefinedBehaviorSanitizer into build/, and runs every
# CTest test. Then builds a Release (-O3) tree into build-rel/, where GCC
# warns of more (format truncation, array bounds seen through inlining); the
# tests are not run there again. Both with -Werror: developers and CI see
# every warning as an error, a user's or a packager's build does not
# (MINIFAB_WERROR is off by default). Exits non-zero on any failure. Extra
# arguments go to ctest (e.g. scripts/run-tests.sh -R core).
# MINIFAB_SKIP_RELEASE=1 skips the Release build (a quick local run).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

install_packages
configure Debug -DMINIFAB_SANITIZE=ON -DMINIFAB_WERROR=ON
build
sample_media

# Leaks inside system libraries (fontconfig, X11) are not ours.
export LSAN_OPTIONS="suppressions=$MINIFAB_ROOT/tests/lsan.supp:print_suppressions=0"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

say "running the tests"
(cd "$MINIFAB_ROOT/build" && ctest --output-on-failure -j"$(nproc)" "$@")

if [ "${MINIFAB_SKIP_RELEASE:-0}" != 1 ]; then
    MINIFAB_BUILD_DIR="$MINIFAB_ROOT/build-rel"
    configure Release -DMINIFAB_WERROR=ON
    build
    say "Release build in build-rel/ is clean"
fi
