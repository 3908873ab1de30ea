#!/usr/bin/env bash
# The README's two commands: `packaging/dev.sh run` and `packaging/dev.sh test`.
# Each installs the missing Debian 12 packages (apt), configures and builds into build/, then
# starts the console on its embedded default or runs every test with ctest.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${NIGHTWATCH_BUILD_DIR:-$here/build}"

packages=(build-essential cmake ninja-build pkgconf ccache
          qt6-base-dev qt6-charts-dev libqt6opengl6-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
          qt6-svg-dev qt6-httpserver-dev qt6-websockets-dev libqt6sql6-sqlite libqt6sql6-psql nlohmann-json3-dev libsqlite3-dev
          libgraphviz-dev graphviz libyaml-cpp-dev libgl1-mesa-dev libxkbcommon-dev
          xvfb xauth python3 prometheus prometheus-alertmanager postgresql
          desktop-file-utils appstream qt6-translations-l10n poppler-utils valgrind openssl)

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
*)
    echo "usage: packaging/dev.sh run [-- nightwatch options] | packaging/dev.sh test" >&2
    exit 2
    ;;
esac
