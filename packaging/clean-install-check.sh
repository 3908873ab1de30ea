#!/usr/bin/env bash
# Installs the built .deb on a CLEAN Debian 12 (a fresh debootstrap minbase root, nothing of this machine's
# packages in it) with apt, so apt pulls exactly the Depends the package declares, then starts the installed
# console on the demo and saves its window. Needs root, debootstrap and Debian's mirror; takes minutes and a
# few hundred MB, so it is a release check run by hand, not part of `packaging/dev.sh test` (tst_package
# covers the package's contents and an unpacked start on every run).
#
#   packaging/clean-install-check.sh build/nightwatch_0.1.0_amd64.deb [ROOT_DIR] [SCREENSHOT.png]
set -euo pipefail

deb="$(realpath "${1:?usage: $0 PACKAGE.deb [ROOT_DIR] [SCREENSHOT.png]}")"
root="${2:-/tmp/nightwatch-clean-root}"
shot="${3:-$PWD/clean-install-screenshot.png}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

if [ ! -x "$root/usr/bin/apt-get" ]; then
    echo "== debootstrap --variant=minbase bookworm $root"
    debootstrap --variant=minbase bookworm "$root" "$mirror" >/dev/null
fi

mounted=()
cleanup() { for m in "${mounted[@]}"; do umount -l "$m" 2>/dev/null || true; done; }
trap cleanup EXIT
for fs in proc sys dev; do
    mount --bind "/$fs" "$root/$fs"
    mounted+=("$root/$fs")
done

cp "$deb" "$root/tmp/"
name="$(basename "$deb")"
echo "== in the clean root: apt-get install ./$name"
chroot "$root" /usr/bin/env DEBIAN_FRONTEND=noninteractive bash -c "
    set -e
    apt-get update -qq
    apt-get install -y --no-install-recommends ./tmp/$name
    dpkg -s nightwatch | grep -E '^(Package|Status|Version):'
    ls -l /usr/bin/nightwatch /usr/bin/nightwatch-cli /usr/share/applications/*nightwatch* \
          /usr/share/metainfo/*nightwatch* /usr/share/nightwatch/runbooks
"
echo "== in the clean root: nightwatch --demo --screenshot"
chroot "$root" /usr/bin/env HOME=/root QT_QPA_PLATFORM=offscreen \
    /usr/bin/nightwatch --demo --db /tmp/demo.sqlite --screenshot /tmp/clean-install.png
cp "$root/tmp/clean-install.png" "$shot"
echo "== installed console started; its window: $shot"
