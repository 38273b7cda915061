// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_lifecycle: outbound TCP connection outcomes and connect latency, keyed by
 * remote port (the "dependency edge" of a service graph, without IPs so the
 * label set stays bounded).
 *
 * Hook: tracepoint sock/inet_sock_set_state (4.16+), TCP only.
 *   CLOSE    -> SYN_SENT     connect() started: remember the time per socket
 *   SYN_SENT -> ESTABLISHED  connect succeeded: count + latency histogram
 *   SYN_SENT -> CLOSE        connect failed (RST/refused, timeout, unreachable)
 */
#include "mop.bpf.h"

/* Bounds the number of series: distinct remote ports we keep counters for. */
#define MAX_PORTS 1024

struct port_key {
	u16 port;
};

struct port_bucket_key {
	u16 port;
	u8 __pad[6]; /* u64 alignment of bucket; declared as padding in the yaml */
	u64 bucket;
};

/* Per-socket connect start time (ns). LRU: a socket that never leaves
 * SYN_SENT through this tracepoint cannot leak an entry forever. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, u64);
	__type(value, u64);
} tcp_connect_start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_PORTS);
	__type(key, struct port_key);
	__type(value, u64);
} tcp_connections_established_total SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_PORTS);
	__type(key, struct port_key);
	__type(value, u64);
} tcp_connect_failures_total SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_PORTS * (MOP_BUCKET_MAX + 2));
	__type(key, struct port_bucket_key);
	__type(value, u64);
} tcp_connect_latency_seconds SEC(".maps");

SEC("tracepoint/sock/inet_sock_set_state")
int mop_tcp_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	u64 sk, now, *start;
	int oldstate, newstate;

	if (ctx->protocol != IPPROTO_TCP)
		return 0;

	sk = (u64)ctx->skaddr;
	oldstate = ctx->oldstate;
	newstate = ctx->newstate;

	if (newstate == TCP_SYN_SENT) {
		now = bpf_ktime_get_ns();
		bpf_map_update_elem(&tcp_connect_start, &sk, &now, BPF_ANY);
		return 0;
	}
	if (oldstate != TCP_SYN_SENT)
		return 0;

	/* The tracepoint already converted dport to host byte order. */
	struct port_key pk = { .port = ctx->dport };

	if (newstate == TCP_ESTABLISHED) {
		mop_add(&tcp_connections_established_total, &pk, 1);
		start = bpf_map_lookup_elem(&tcp_connect_start, &sk);
		if (start) {
			u64 us = (bpf_ktime_get_ns() - *start) / 1000;
			struct port_bucket_key hk = { .port = pk.port };

			mop_observe_exp2(&tcp_connect_latency_seconds, hk, us);
		}
	} else if (newstate == TCP_CLOSE) {
		mop_add(&tcp_connect_failures_total, &pk, 1);
	}
	bpf_map_delete_elem(&tcp_connect_start, &sk);
	return 0;
}

/* This program uses no GPL-only helper, but the other MOP probes do
 * (bpf_probe_read_kernel behind BPF_CORE_READ); one licence for all. */
char LICENSE[] SEC("license") = "GPL";
