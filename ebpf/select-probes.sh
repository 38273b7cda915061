# shellcheck shell=sh
# MOP eBPF probe selection: hands ebpf_exporter only the probe objects this node's kernel takes.
#
# ebpf_exporter v2.5.1 exits on the first object it cannot load (cmd/ebpf_exporter/main.go: log.Fatalf
# after exporter.Attach), which would crash-loop the sidecar and keep the OBI pod from ever being Ready.
# So before starting it, this script asks the exporter itself, once per object, whether that object loads
# and attaches here (`--config.check --config.strict --config.names=<object>`: the same binary, libbpf,
# verifier, BTF and privileges as the real run). A probe may ship several objects (one per kernel family,
# in order of preference): the first that passes is used. Then it execs the exporter with exactly those
# objects and `--config.strict`, so the exporter is only up (and the container Ready) when every object
# it was handed is attached. If no object passes at all, it serves a status page on the same port instead,
# so the container stays Ready and OBI's rollout goes on. Every decision is one log line:
#   mop-ebpf-select: <probe>: on (<object>)
#   mop-ebpf-select: <probe>: <object> cannot run on this kernel: <the exporter's error>
#   mop-ebpf-select: <probe>: OFF on kernel <release>: no object of it loads (reasons above)
#
# Runs under busybox sh (the exporter image has no shell) and uses only shell built-ins, plus busybox
# httpd for the status page. Arguments are passed on to the exporter. Environment:
#   MOP_EBPF_PROBES      probe specs separated by spaces: <probe>=<object>[,<object>...]
#   MOP_EBPF_CONFIG_DIR  directory with <object>.bpf.o and <object>.yaml (--config.dir)
#   MOP_EBPF_EXPORTER    the exporter binary
#   MOP_EBPF_PORT        port the exporter (or the status page) listens on
#   MOP_EBPF_STATUS_DIR  writable directory for the status page
#   MOP_BUSYBOX          the busybox binary (for httpd)
set -eu
set -f

log() {
  echo "mop-ebpf-select: $*"
}

# The last non-empty line of $1 (the exporter's fatal error comes last).
last_line() {
  last=''
  while IFS= read -r line; do
    [ -n "$line" ] && last=$line
  done <<EOF
$1
EOF
  echo "$last"
}

read -r kernel </proc/sys/kernel/osrelease
if [ -r /sys/kernel/btf/vmlinux ]; then btf=present; else btf='missing (CO-RE objects cannot load)'; fi
log "kernel $kernel, BTF /sys/kernel/btf/vmlinux $btf"

status="kernel $kernel
"
names=''
for spec in $MOP_EBPF_PROBES; do
  probe=${spec%%=*}
  rest=${spec#*=}
  chosen=''
  while [ -n "$rest" ] && [ -z "$chosen" ]; do
    object=${rest%%,*}
    case $rest in *,*) rest=${rest#*,} ;; *) rest='' ;; esac
    if out=$("$MOP_EBPF_EXPORTER" --config.dir="$MOP_EBPF_CONFIG_DIR" --config.names="$object" \
      --config.check --config.strict --log.no-timestamps 2>&1); then
      chosen=$object
    else
      reason=$(last_line "$out")
      log "$probe: $object cannot run on this kernel: $reason"
      status="$status$probe: $object cannot run: $reason
"
    fi
  done
  if [ -n "$chosen" ]; then
    log "$probe: on ($chosen)"
    status="$status$probe: on ($chosen)
"
    names="${names:+$names,}$chosen"
  else
    log "$probe: OFF on kernel $kernel: no object of it loads (reasons above)"
    status="$status$probe: OFF
"
  fi
done

if [ -z "$names" ]; then
  log "no probe can run on this kernel: serving this status on :$MOP_EBPF_PORT/ instead of the exporter, so the pod stays Ready"
  printf '%s' "$status" >"$MOP_EBPF_STATUS_DIR/index.html"
  exec "$MOP_BUSYBOX" httpd -f -p "$MOP_EBPF_PORT" -h "$MOP_EBPF_STATUS_DIR"
fi

log "starting the exporter with --config.names=$names"
exec "$MOP_EBPF_EXPORTER" --config.dir="$MOP_EBPF_CONFIG_DIR" --config.names="$names" --config.strict \
  --web.listen-address=":$MOP_EBPF_PORT" "$@"
