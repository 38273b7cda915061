// SPDX-License-Identifier: GPL-2.0
/*
 * db_roundtrip: client-side database round-trip latency seen from the kernel,
 * for PostgreSQL (5432), MySQL (3306) and Redis (6379) by remote port.
 *
 * Hooks: tracepoints sock/sock_send_length and sock/sock_recv_length (Linux 6.3+),
 * which fire after every sendmsg/recvmsg on a socket with the byte count (or a
 * negative errno) in `ret`. Pairing on the same socket:
 *   first successful send after a response   -> request starts (timestamp kept)
 *   first successful recv after that request -> round trip = now - start
 * Later sends of the same request and later reads of the same response do not
 * move the timestamps, so pipelined requests count as one round trip; this is a
 * request-to-first-response-byte measure, including the client's own wake-up.
 *
 * Only sockets whose *remote* port is a database port are considered, so the
 * server side of a local database (local port 5432) is not measured twice.
 */
#include "mop.bpf.h"

#define MSG_PEEK_FLAG 2 /* recv(MSG_PEEK) does not consume the response */

enum mop_direction {
	MOP_DIR_REQUEST = 1,
	MOP_DIR_RESPONSE = 2,
};

struct port_bucket_key {
	u16 port;
	u8 __pad[6]; /* u64 alignment of bucket */
	u64 bucket;
};

struct port_dir_key {
	u16 port;
	u8 direction;
	u8 __pad;
};

/* Per-socket start of the outstanding request (ns). LRU: connections that
 * close with a request in flight just age out. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, u64);
	__type(value, u64);
} db_request_start SEC(".maps");

/* 3 ports x (27 buckets + sum) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 3 * (MOP_BUCKET_MAX + 2));
	__type(key, struct port_bucket_key);
	__type(value, u64);
} db_roundtrip_seconds SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 3 * 2);
	__type(key, struct port_dir_key);
	__type(value, u64);
} db_bytes_total SEC(".maps");

/* Remote port (host order) of a TCP socket if it is a database port, else 0. */
static __always_inline u16 db_port(struct trace_event_raw_sock_msg_length *ctx)
{
	struct sock *sk;
	u16 port;

	if (ctx->protocol != IPPROTO_TCP || ctx->ret <= 0)
		return 0;
	if (ctx->family != AF_INET && ctx->family != AF_INET6)
		return 0;
	sk = ctx->sk;
	port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (port == 5432 || port == 3306 || port == 6379)
		return port;
	return 0;
}

SEC("tracepoint/sock/sock_send_length")
int mop_db_send(struct trace_event_raw_sock_msg_length *ctx)
{
	u16 port = db_port(ctx);
	u64 sk, now;

	if (!port)
		return 0;

	struct port_dir_key bk = { .port = port, .direction = MOP_DIR_REQUEST };

	mop_add(&db_bytes_total, &bk, (u64)ctx->ret);

	sk = (u64)ctx->sk;
	now = bpf_ktime_get_ns();
	/* NOEXIST: the rest of a multi-write request keeps the first timestamp. */
	bpf_map_update_elem(&db_request_start, &sk, &now, BPF_NOEXIST);
	return 0;
}

SEC("tracepoint/sock/sock_recv_length")
int mop_db_recv(struct trace_event_raw_sock_msg_length *ctx)
{
	u16 port;
	u64 sk, *start;

	if (ctx->flags & MSG_PEEK_FLAG)
		return 0;
	port = db_port(ctx);
	if (!port)
		return 0;

	struct port_dir_key bk = { .port = port, .direction = MOP_DIR_RESPONSE };

	mop_add(&db_bytes_total, &bk, (u64)ctx->ret);

	sk = (u64)ctx->sk;
	start = bpf_map_lookup_elem(&db_request_start, &sk);
	if (!start)
		return 0; /* rest of a response, or a server push */

	u64 us = (bpf_ktime_get_ns() - *start) / 1000;
	struct port_bucket_key hk = { .port = port };

	bpf_map_delete_elem(&db_request_start, &sk);
	mop_observe_exp2(&db_roundtrip_seconds, hk, us);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
