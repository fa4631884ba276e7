# Sourced by scripts/run and scripts/test: configure and build in a build
# directory of its own, reconfiguring only when the flags or the autotools
# inputs changed (both commands are idempotent).

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# build DIR "CONFIGURE FLAGS" [MAKE TARGETS...]
build() {
    local dir=$1 flags=$2
    shift 2
    if [[ ! -x $top/configure || $top/configure.ac -nt $top/configure ||
        $top/Makefile.am -nt $top/configure ||
        $top/tests/Makefile.inc -nt $top/configure ]]; then
        (cd "$top" && ./autogen.sh >/dev/null 2>&1) || {
            echo "autogen.sh failed" >&2
            return 1
        }
    fi
    mkdir -p "$dir"
    if [[ ! -f $dir/Makefile || $top/configure -nt $dir/Makefile ||
        "$(cat "$dir/.flags" 2>/dev/null)" != "$flags" ]]; then
        # shellcheck disable=SC2086 # flags are words
        (cd "$dir" && "$top/configure" -q $flags) || return 1
        printf '%s' "$flags" >"$dir/.flags"
    fi
    make -s -C "$dir" -j"$(nproc)" "$@"
}
