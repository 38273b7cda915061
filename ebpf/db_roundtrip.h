/* SPDX-License-Identifier: GPL-2.0 */
/*
 * db_roundtrip: client-side database round-trip latency seen from the kernel,
 * for PostgreSQL (5432), MySQL (3306) and Redis (6379) by remote port.
 *
 * Two objects measure the same thing from different hooks; ebpf/select-probes.sh
 * hands ebpf_exporter the first one the node's kernel takes (docs/obi-probes.md):
 *   db_roundtrip.bpf.o        tracepoints sock/sock_send_length + sock_recv_length (Linux 6.3+)
 *   db_roundtrip_fexit.bpf.o  fexit on tcp_sendmsg + tcp_recvmsg (older kernels, e.g. 6.1 LTS)
 * Both see every send/recv on a TCP socket with its result (bytes or -errno) and
 * share the maps and the pairing below, so the metrics are identical:
 *   first successful send after a response   -> request starts (timestamp kept)
 *   first successful recv after that request -> round trip = now - start
 * Later sends of the same request and later reads of the same response do not
 * move the timestamps, so pipelined requests count as one round trip; this is a
 * request-to-first-response-byte measure, including the client's own wake-up.
 *
 * Only sockets whose *remote* port is a database port are considered, so the
 * server side of a local database (local port 5432) is not measured twice.
 */
#ifndef MOP_DB_ROUNDTRIP_H
#define MOP_DB_ROUNDTRIP_H

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

/* Remote port (host order) of an IPv4/IPv6 socket if it is a database port, else 0. */
static __always_inline u16 db_port(struct sock *sk)
{
	u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	u16 port;

	if (family != AF_INET && family != AF_INET6)
		return 0;
	port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (port == 5432 || port == 3306 || port == 6379)
		return port;
	return 0;
}

/* A send on a TCP socket returned `ret` (bytes or -errno). */
static __always_inline void db_sent(struct sock *sk, long ret)
{
	u16 port;
	u64 key, now;

	if (ret <= 0)
		return;
	port = db_port(sk);
	if (!port)
		return;

	struct port_dir_key bk = { .port = port, .direction = MOP_DIR_REQUEST };

	mop_add(&db_bytes_total, &bk, (u64)ret);

	key = (u64)sk;
	now = bpf_ktime_get_ns();
	/* NOEXIST: the rest of a multi-write request keeps the first timestamp. */
	bpf_map_update_elem(&db_request_start, &key, &now, BPF_NOEXIST);
}

/* A recv on a TCP socket with `flags` returned `ret` (bytes or -errno). */
static __always_inline void db_received(struct sock *sk, long ret, long flags)
{
	u16 port;
	u64 key, *start;

	if (ret <= 0 || (flags & MSG_PEEK_FLAG))
		return;
	port = db_port(sk);
	if (!port)
		return;

	struct port_dir_key bk = { .port = port, .direction = MOP_DIR_RESPONSE };

	mop_add(&db_bytes_total, &bk, (u64)ret);

	key = (u64)sk;
	start = bpf_map_lookup_elem(&db_request_start, &key);
	if (!start)
		return; /* rest of a response, or a server push */

	u64 us = (bpf_ktime_get_ns() - *start) / 1000;
	struct port_bucket_key hk = { .port = port };

	bpf_map_delete_elem(&db_request_start, &key);
	mop_observe_exp2(&db_roundtrip_seconds, hk, us);
}

#endif /* MOP_DB_ROUNDTRIP_H */
