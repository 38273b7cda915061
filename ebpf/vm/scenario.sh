# shellcheck shell=sh
# The kernel test scenario, run by busybox sh on the host and as /init's payload inside the test VMs
# (test/ebpf/kernels.test.ts, bench/ebpf.ts). Every line it prints is "MOPVM <section> <payload>".
#
#   scenario.sh matrix                 every object in MOP_PROBES_DIR through `loader --config.check
#                                      --config.strict`: "MOPVM matrix <object> ok|fail <last error line>"
#   scenario.sh round LABEL SPEC [TRAFFIC_ARGS...]
#                                      select-probes.sh with MOP_EBPF_PROBES=SPEC and the loader standing in
#                                      for the exporter; once it is up: stats, the traffic, stats, a map dump,
#                                      quit. Prints the selection's log, the loader's JSON lines (ready, stats,
#                                      dump) and the traffic report under "MOPVM LABEL".
#   scenario.sh status LABEL SPEC      a SPEC none of whose objects can run: select-probes.sh must serve its
#                                      status page; prints the page under "MOPVM LABEL status".
# Environment: MOP_BUSYBOX (busybox binary), MOP_TOOLS (dir with loader and traffic), MOP_PROBES_DIR (the
# rendered ConfigMap's files, select-probes.sh included), MOP_WORK (a writable scratch dir), MOP_PORT.
set -eu
bb=$MOP_BUSYBOX

emit() {
  section=$1
  while IFS= read -r line; do
    echo "MOPVM $section $line"
  done
}

select_env() {
  export MOP_EBPF_PROBES="$1" MOP_EBPF_CONFIG_DIR="$MOP_PROBES_DIR" MOP_EBPF_EXPORTER="$MOP_TOOLS/loader" \
    MOP_EBPF_PORT="$MOP_PORT" MOP_EBPF_STATUS_DIR="$MOP_WORK/status" MOP_BUSYBOX="$bb"
}

# Waits (up to 120 s) until file $1 has a line containing $2, or process $3 is gone.
wait_for() {
  tries=0
  until $bb grep -q "$2" "$1"; do
    kill -0 "$3" 2>/dev/null || return 1
    tries=$((tries + 1))
    [ "$tries" -lt 2400 ] || return 1
    $bb sleep 0.05
  done
}

case $1 in
matrix)
  for obj in "$MOP_PROBES_DIR"/*.bpf.o; do
    name=${obj##*/}
    name=${name%.bpf.o}
    if out=$("$MOP_TOOLS/loader" --config.dir="$MOP_PROBES_DIR" --config.names="$name" --config.check --config.strict 2>&1); then
      echo "MOPVM matrix $name ok"
    else
      last=''
      while IFS= read -r line; do [ -n "$line" ] && last=$line; done <<EOF
$out
EOF
      echo "MOPVM matrix $name fail $last"
    fi
  done
  ;;
round)
  label=$2
  spec=$3
  shift 3
  work=$MOP_WORK/$label
  $bb mkdir -p "$work" "$MOP_WORK/status"
  $bb rm -f "$work/cmd" "$work/out"
  $bb mkfifo "$work/cmd"
  : >"$work/out"
  select_env "$spec"
  $bb sh "$MOP_PROBES_DIR/select-probes.sh" <"$work/cmd" >"$work/out" 2>"$work/err" &
  pid=$!
  exec 3>"$work/cmd"
  if wait_for "$work/out" '"event":"ready"' "$pid"; then
    echo stats >&3
    wait_for "$work/out" '"event":"stats"' "$pid"
    "$MOP_TOOLS/traffic" "$@" | emit "$label"
    echo stats >&3
    echo dump >&3
    wait_for "$work/out" '"event":"dump"' "$pid"
  fi
  echo quit >&3
  exec 3>&-
  wait "$pid" || echo "MOPVM $label exit $?"
  emit "$label" <"$work/out"
  emit "$label stderr" <"$work/err"
  ;;
status)
  label=$2
  work=$MOP_WORK/$label
  $bb mkdir -p "$work" "$MOP_WORK/status"
  select_env "$3"
  $bb sh "$MOP_PROBES_DIR/select-probes.sh" >"$work/out" 2>&1 &
  pid=$!
  wait_for "$work/out" 'serving this status' "$pid" || true
  page=''
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    page=$($bb wget -q -O - "http://127.0.0.1:$MOP_PORT/" 2>/dev/null) && break
    $bb sleep 0.2
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  emit "$label" <"$work/out"
  printf '%s\n' "$page" | emit "$label status"
  ;;
*)
  echo "scenario.sh: unknown command $1" >&2
  exit 2
  ;;
esac
