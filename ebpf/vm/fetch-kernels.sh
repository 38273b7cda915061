#!/usr/bin/env bash
# Fetch the Debian kernels the eBPF VM tests boot (test/ebpf/vm.test.ts, npm run bench:ebpf).
#
#   bash ebpf/vm/fetch-kernels.sh            # into /var/cache/mop-ebpf-kernels (MOP_KERNEL_CACHE overrides)
#
# For each kernel family it resolves Debian's meta-package to the current image package
# (linux-image-cloud-amd64 -> linux-image-6.1.0-N-cloud-amd64, linux-image-6.12-cloud-amd64 ->
# linux-image-6.12.N+deb12-cloud-amd64), then `apt-get download`s it and unpacks only boot/vmlinuz-*
# with `dpkg -x`: nothing is installed into the host. Idempotent: a kernel already unpacked is kept, and
# kernels the meta-packages no longer point to are removed from the cache.
# Needs apt sources for Debian 12 (bookworm + bookworm-security), which the CI machines have.
set -euo pipefail

CACHE="${MOP_KERNEL_CACHE:-/var/cache/mop-ebpf-kernels}"
META_PACKAGES=(linux-image-cloud-amd64 linux-image-6.12-cloud-amd64)

resolve() {
  # The meta-package's one linux-image-* dependency is the current image package.
  apt-cache depends --no-recommends --no-suggests "$1" 2>/dev/null |
    awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'
}

mkdir -p "$CACHE"
updated=0
keep=()
for meta in "${META_PACKAGES[@]}"; do
  pkg="$(resolve "$meta")"
  if [ -z "$pkg" ] && [ "$updated" = 0 ]; then
    apt-get update -qq
    updated=1
    pkg="$(resolve "$meta")"
  fi
  [ -n "$pkg" ] || { echo "fetch-kernels: apt knows no package $meta (Debian 12 sources needed)" >&2; exit 1; }
  keep+=("$pkg")
  if compgen -G "$CACHE/$pkg/boot/vmlinuz-*" >/dev/null; then
    echo "fetch-kernels: $pkg already in $CACHE"
    continue
  fi
  tmp="$(mktemp -d)"
  if ! (cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root "$pkg"); then
    # Stale package lists name a version the mirror no longer has: refresh once and resolve again.
    [ "$updated" = 0 ] || exit 1
    apt-get update -qq
    updated=1
    pkg="$(resolve "$meta")"
    (cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root "$pkg")
  fi
  rm -rf "$CACHE/$pkg.partial"
  dpkg -x "$tmp"/*.deb "$CACHE/$pkg.partial"
  # Keep only the kernel image (the modules are not needed: everything the tests use is built in).
  find "$CACHE/$pkg.partial" -mindepth 1 -maxdepth 1 ! -name boot -exec rm -rf {} +
  find "$CACHE/$pkg.partial/boot" -mindepth 1 ! -name 'vmlinuz-*' -exec rm -rf {} +
  mv "$CACHE/$pkg.partial" "$CACHE/$pkg"
  rm -rf "$tmp"
  echo "fetch-kernels: $pkg -> $(ls "$CACHE/$pkg"/boot/vmlinuz-*)"
done

for dir in "$CACHE"/linux-image-*; do
  [ -e "$dir" ] || continue
  name="${dir##*/}"
  case " ${keep[*]} " in *" $name "*) ;; *) rm -rf "$dir"; echo "fetch-kernels: removed $name (no longer current)" ;; esac
done
