#!/usr/bin/env bash
# The README's two commands: `packaging/dev.sh run` and `packaging/dev.sh test`.
# Each installs the missing Debian 12 packages (apt), configures and builds into build/, then
# starts the console on its embedded default or runs every test with ctest.
# `packaging/dev.sh fuzz [SECONDS]` builds the libFuzzer targets (tests/fuzz) with clang into build-fuzz/ and
# runs each for SECONDS (default 600); `fuzz SECONDS TARGET...` runs only those (e.g. `fuzz 60 grafana generic`).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${NIGHTWATCH_BUILD_DIR:-$here/build}"

packages=(build-essential cmake ninja-build pkgconf ccache
          qt6-base-dev qt6-charts-dev libqt6opengl6-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
          qt6-svg-dev qt6-httpserver-dev qt6-websockets-dev libqt6sql6-sqlite libqt6sql6-psql nlohmann-json3-dev libsqlite3-dev
          libgraphviz-dev graphviz libyaml-cpp-dev libgl1-mesa-dev libxkbcommon-dev
          xvfb xauth python3 prometheus prometheus-alertmanager postgresql
          desktop-file-utils appstream qt6-translations-l10n poppler-utils valgrind openssl libssl-dev)

install_missing() {
    local missing=()
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "nightwatch: installing ${missing[*]}" >&2
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build_all() {
    cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build "$build" -j"$(nproc)"
}

case "${1:-}" in
run)
    shift
    [ "${1:-}" = "--" ] && shift
    install_missing
    build_all
    exec "$build/app/nightwatch" --demo "$@"
    ;;
test)
    install_missing
    build_all
    cd "$build"
    # The servers the end-to-end tests start (Alertmanager, Prometheus) need no display; GUI tests run offscreen.
    QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j"$(nproc)"
    ;;
fuzz)
    seconds="${2:-600}"
    # clang and its compiler-rt (which holds libFuzzer and the sanitizers) only here, so `run`/`test` and CI stay lean.
    packages+=(clang libclang-rt-14-dev)
    install_missing
    fuzzbuild="$here/build-fuzz"
    targets=(webhook alertmanagerapi scenario runbook inhibitrules promqltemplate grafana pagerduty generic)
    [ $# -gt 2 ] && targets=("${@:3}") # `fuzz 60 grafana pagerduty`: only those
    CC=clang CXX=clang++ cmake -S "$here" -B "$fuzzbuild" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DNIGHTWATCH_FUZZ=ON >/dev/null
    cmake --build "$fuzzbuild" -j"$(nproc)" --target "${targets[@]/#/fuzz_}"
    failed=0
    for t in "${targets[@]}"; do
        out="$fuzzbuild/fuzz-out/$t"
        mkdir -p "$out/new" "$out/crashes" "$out/minimised"
        # libFuzzer adds what it finds to the first directory: a scratch one, so the committed seeds stay as they are.
        # One process, one worker: the machine is shared. -timeout catches hangs, ASan's leak check runs at exit.
        status=clean
        touch "$out/started" # what this run adds to crashes/ (earlier runs' finds stay there)
        "$fuzzbuild/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
            -print_final_stats=1 -artifact_prefix="$out/crashes/" "$out/new" "$here/tests/fuzz/corpus/$t" \
            >"$out/run.log" 2>&1 || { status=FOUND; failed=1; }
        # A minimised union of seeds and finds, to copy into tests/fuzz/corpus/$t by hand when it adds coverage.
        rm -rf "$out/minimised" && mkdir -p "$out/minimised"
        "$fuzzbuild/tests/fuzz/fuzz_$t" -merge=1 "$out/minimised" "$here/tests/fuzz/corpus/$t" "$out/new" \
            >"$out/merge.log" 2>&1 || true
        fuzzstat() { grep -o "stat::$1: *[0-9]*" "$out/run.log" | grep -o '[0-9]*$' || echo "?"; }
        # The last status line ("#N DONE cov: C ft: F ...", or the last one before a crash).
        cov="$(grep -o 'cov: [0-9]* ft: [0-9]*' "$out/run.log" | tail -1 || true)"
        echo "fuzz_$t: $status, $(fuzzstat number_of_executed_units) executions in ${seconds}s" \
             "($(fuzzstat average_exec_per_sec)/s, ${cov:-cov: ?}, peak RSS $(fuzzstat peak_rss_mb) MB)," \
             "$(find "$out/crashes" -type f -newer "$out/started" | wc -l) new crash/leak/timeout inputs in $out/crashes," \
             "$(ls "$out/minimised" | wc -l) inputs after merge (log: $out/run.log)"
    done
    exit "$failed"
    ;;
*)
    echo "usage: packaging/dev.sh run [-- nightwatch options] | packaging/dev.sh test | packaging/dev.sh fuzz [SECONDS [TARGET...]]" >&2
    exit 2
    ;;
esac
