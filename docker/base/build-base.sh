#!/usr/bin/env bash
# Local base image for air-gapped builds: Debian bookworm from the machine's own
# apt mirror (debootstrap), imported into Docker as ${BASE_TAG}. Every image in
# docker/ can build FROM it with no registry at all; where a registry is
# reachable, pass the official images instead (docker/README.md, "Base images").
#
#   docker/base/build-base.sh [TAG]      default tangerang-hub/base:bookworm
#
# It carries what the images need at run time and nothing to compile with:
# Python 3.11 (Debian's), the C libraries of the wheels we install, PostgreSQL 15
# and Redis 7 (the same Debian packages the local stack runs), Java 17 for Solr,
# tini. Skipped when the tag already exists (delete the image to rebuild it).
set -euo pipefail
tag=${1:-${BASE_TAG:-tangerang-hub/base:bookworm}}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
docker=${DOCKER:-docker}
if $docker image inspect "$tag" >/dev/null 2>&1; then
  echo "base image $tag exists"
  exit 0
fi
packages=(
  ca-certificates tzdata locales-all tini procps
  python3.11 python3.11-venv python-is-python3
  libpq5 libmagic1 libxml2 libxslt1.1 libexpat1 libffi8 libssl3 zlib1g
  postgresql-15 postgresql-client-15
  redis-server
  openjdk-17-jre-headless
)
work=$(mktemp -d "${TMPDIR:-/var/tmp}/hub-base.XXXXXX")
root=$work/rootfs
cleanup() {
  umount "$root/proc" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
log=$work/build.log
fail() { tail -40 "$log" >&2; [[ -f $root/debootstrap/debootstrap.log ]] && tail -20 "$root/debootstrap/debootstrap.log" >&2; exit 1; }
echo "== debootstrap bookworm ($mirror) into $root"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$log" 2>&1 || fail
# The rest with apt inside the new system: maintainer scripts (Java's
# certificate store, PostgreSQL's) need /proc, and no service may start.
mount -t proc proc "$root/proc"
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod +x "$root/usr/sbin/policy-rc.d"
mkdir -p "$root/usr/share/man/man1"
echo "== apt-get install ${packages[*]}"
chroot "$root" apt-get update -qq >>"$log" 2>&1 || fail
DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get install -y -qq --no-install-recommends \
  "${packages[@]}" >>"$log" 2>&1 || fail
umount "$root/proc"
rm -f "$root/usr/sbin/policy-rc.d"
# The apt lists and caches are not needed in an image; nothing runs at boot.
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin \
       "$root"/var/cache/apt/archives/*.deb
echo "== docker import $tag"
tar -C "$root" --numeric-owner -c . \
  | $docker import --change 'ENV LANG=C.UTF-8' --change 'CMD ["bash"]' - "$tag" >/dev/null
$docker image ls "$tag"
