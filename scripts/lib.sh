# scripts/lib.sh - shared by run-demo.sh and run-tests.sh: installs the Debian
# packages listed in scripts/packages.txt that are missing, and configures and
# builds into build/ (every executable lands in build/bin/).
# Sourced, not run.

MINIFAB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

say() { printf '\033[1m[minifab]\033[0m %s\n' "$*"; }

# Installs what is missing; idempotent; says what it installs.
install_packages() {
    local wanted missing=()
    wanted=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$MINIFAB_ROOT/scripts/packages.txt")
    for p in $wanted; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$p")
        fi
    done
    if [ ${#missing[@]} -eq 0 ]; then
        say "all Debian packages are installed"
        return 0
    fi
    say "installing: ${missing[*]}"
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        sudo="sudo"
    fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# The build tree configure and build use: build/ unless MINIFAB_BUILD_DIR
# names another (scripts/run-tests.sh builds a Release tree in build-rel/).
build_dir() {
    echo "${MINIFAB_BUILD_DIR:-$MINIFAB_ROOT/build}"
}

# configure BUILD_TYPE [extra cmake args...]: (re)configures the build tree.
configure() {
    local type="$1"
    shift
    local ccache=()
    if command -v ccache >/dev/null; then
        ccache=(-DCMAKE_C_COMPILER_LAUNCHER=ccache)
    fi
    say "configuring ($type) in $(build_dir)"
    cmake -S "$MINIFAB_ROOT" -B "$(build_dir)" -DCMAKE_BUILD_TYPE="$type" "${ccache[@]}" "$@" \
        >/dev/null
}

# build [TARGET...]: builds the targets (all when none is named).
build() {
    local args=()
    for t in "$@"; do
        args+=(--target "$t")
    done
    say "building ${*:-everything} in $(build_dir)"
    cmake --build "$(build_dir)" -j"$(nproc)" "${args[@]}"
}

# Generates the sample job videos when they are missing (not committed).
sample_media() {
    if [ -x "$MINIFAB_ROOT/content/make-sample-media.sh" ]; then
        "$MINIFAB_ROOT/content/make-sample-media.sh" "$MINIFAB_ROOT/build/bin/minifab"
    fi
}
