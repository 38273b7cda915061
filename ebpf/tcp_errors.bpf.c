// SPDX-License-Identifier: GPL-2.0
/*
 * tcp_errors: the "E" of TCP RED. Counts retransmitted segments, resets sent and
 * resets received, keyed by service port and event type.
 *
 * Hooks (tracepoints, no kprobes needed):
 *   tcp/tcp_retransmit_skb   a segment (including a SYN) was retransmitted
 *   tcp/tcp_send_reset       we sent a RST (since 6.10 also without a socket,
 *                            e.g. a SYN to a closed port)
 *   tcp/tcp_receive_reset    we received a RST (e.g. connect() refused)
 *
 * "Service port": a reset or retransmit happens on either side of a connection,
 * and the ephemeral port would explode the label set. We key by the lower of the
 * two ports, which is the listening/service port for the usual client->server
 * case (ephemeral ports start at 32768 by default).
 */
#include "mop.bpf.h"

#define MAX_PORTS 1024

enum mop_tcp_event {
	MOP_TCP_RETRANSMIT = 1,
	MOP_TCP_RESET_SENT = 2,
	MOP_TCP_RESET_RECEIVED = 3,
};

struct port_type_key {
	u16 port;
	u8 type;
	u8 __pad; /* struct size stays 4 */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_PORTS * 3);
	__type(key, struct port_type_key);
	__type(value, u64);
} tcp_events_total SEC(".maps");

/*
 * Before 6.10 (tcp_send_reset) and before 6.x (tcp_retransmit_skb) both events
 * used the shared event class tcp_event_sk_skb with plain sport/dport fields.
 * This local "flavor" lets CO-RE relocate against that older layout; the
 * bpf_core_type_exists() checks below pick the layout at load time.
 */
struct trace_event_raw_tcp_event_sk_skb___old {
	u16 sport;
	u16 dport;
} __attribute__((preserve_access_index));

static __always_inline void count(u16 a, u16 b, u8 type)
{
	struct port_type_key key = { .type = type };

	/* lower non-zero port (a zero port means "unknown" on that side) */
	key.port = (a && (!b || a < b)) ? a : b;
	mop_add(&tcp_events_total, &key, 1);
}

SEC("tracepoint/tcp/tcp_retransmit_skb")
int mop_tcp_retransmit(void *ctx)
{
	if (bpf_core_type_exists(struct trace_event_raw_tcp_retransmit_skb)) {
		struct trace_event_raw_tcp_retransmit_skb *e = ctx;

		count(e->sport, e->dport, MOP_TCP_RETRANSMIT);
	} else {
		struct trace_event_raw_tcp_event_sk_skb___old *e = ctx;

		count(e->sport, e->dport, MOP_TCP_RETRANSMIT);
	}
	return 0;
}

SEC("tracepoint/tcp/tcp_send_reset")
int mop_tcp_send_reset(void *ctx)
{
	if (bpf_core_type_exists(struct trace_event_raw_tcp_send_reset)) {
		struct trace_event_raw_tcp_send_reset *e = ctx;
		/* saddr/daddr hold a sockaddr_in or sockaddr_in6: the port is bytes
		 * 2..3 in network order for both families. */
		u16 sport = ((u16)e->saddr[2] << 8) | e->saddr[3];
		u16 dport = ((u16)e->daddr[2] << 8) | e->daddr[3];

		count(sport, dport, MOP_TCP_RESET_SENT);
	} else {
		struct trace_event_raw_tcp_event_sk_skb___old *e = ctx;

		count(e->sport, e->dport, MOP_TCP_RESET_SENT);
	}
	return 0;
}

SEC("tracepoint/tcp/tcp_receive_reset")
int mop_tcp_receive_reset(struct trace_event_raw_tcp_event_sk *ctx)
{
	count(ctx->sport, ctx->dport, MOP_TCP_RESET_RECEIVED);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
