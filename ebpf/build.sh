#!/usr/bin/env bash
# Build MOP's CO-RE eBPF probes (and optionally the test/bench loader).
#
#   bash ebpf/build.sh                  # rebuild ebpf/<name>.bpf.o in place (committed)
#   bash ebpf/build.sh --out DIR        # write the objects to DIR instead
#   bash ebpf/build.sh --loader         # also build the test/bench tools ebpf/loader/{loader,traffic} (git-ignored)
#   bash ebpf/build.sh --loader-only    # only the tools
#   bash ebpf/build.sh --loader-only --static --out DIR   # the tools linked statically (for the test VMs)
#
# Every ebpf/*.bpf.c is a probe. Output is reproducible: we compile from inside
# ebpf/ with relative file names and map the absolute directory away, so the same
# sources and the same clang give identical bytes wherever the checkout lives.
# vmlinux.h is committed, so the objects do not depend on the build machine's kernel.
set -euo pipefail

SRC_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT_DIR="$SRC_DIR"
BUILD_PROBES=1
BUILD_LOADER=0
STATIC=0
ARCH="${ARCH:-x86}"

while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT_DIR="$2"; shift 2 ;;
    --out=*) OUT_DIR="${1#--out=}"; shift ;;
    --loader) BUILD_LOADER=1; shift ;;
    --loader-only) BUILD_LOADER=1; BUILD_PROBES=0; shift ;;
    --static) STATIC=1; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done

need() {
  command -v "$1" >/dev/null 2>&1 || {
    echo "build.sh: '$1' not found; install with: apt-get install -y clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev" >&2
    exit 127
  }
}

mkdir -p "$OUT_DIR"
OUT_DIR="$(cd "$OUT_DIR" && pwd)"

if [ "$BUILD_PROBES" = 1 ]; then
  need clang
  need llvm-strip
  [ -f /usr/include/bpf/bpf_helpers.h ] || { echo "build.sh: libbpf headers missing (apt-get install -y libbpf-dev)" >&2; exit 127; }
  cd "$SRC_DIR"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  for src in *.bpf.c; do
    name="${src%.bpf.c}"
    # -g emits .BTF/.BTF.ext (CO-RE relocations, map key/value types); the
    # DWARF it also emits is stripped below. -ffile-prefix-map keeps the
    # absolute checkout path out of the object.
    clang -target bpf -D__TARGET_ARCH_"$ARCH" -O2 -g -Wall -Werror \
      -ffile-prefix-map="$SRC_DIR"=. -I. \
      -c "$src" -o "$tmp/$name.bpf.o"
    llvm-strip -g "$tmp/$name.bpf.o" -o "$OUT_DIR/$name.bpf.o"
    echo "built $OUT_DIR/$name.bpf.o ($(wc -c <"$OUT_DIR/$name.bpf.o") bytes)"
  done
fi

if [ "$BUILD_LOADER" = 1 ]; then
  need cc
  tools_dir="$SRC_DIR/loader"
  [ "$OUT_DIR" != "$SRC_DIR" ] && tools_dir="$OUT_DIR"
  if [ "$STATIC" = 1 ]; then
    # Debian's libbpf-dev, libelf-dev and zlib1g-dev ship the static archives.
    cc -O2 -Wall -Werror -static -o "$tools_dir/loader" "$SRC_DIR/loader/loader.c" -l:libbpf.a -l:libelf.a -l:libz.a
    cc -O2 -Wall -Werror -static -o "$tools_dir/traffic" "$SRC_DIR/loader/traffic.c"
  else
    cc -O2 -Wall -Werror -o "$tools_dir/loader" "$SRC_DIR/loader/loader.c" -lbpf -lelf -lz
    cc -O2 -Wall -Werror -o "$tools_dir/traffic" "$SRC_DIR/loader/traffic.c"
  fi
  echo "built $tools_dir/loader $tools_dir/traffic$([ "$STATIC" = 1 ] && echo ' (static)')"
fi
