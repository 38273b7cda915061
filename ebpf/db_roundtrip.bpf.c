// SPDX-License-Identifier: GPL-2.0
/*
 * db_roundtrip, tracepoint flavour (Linux 6.3+): sock/sock_send_length and
 * sock/sock_recv_length fire after every sendmsg/recvmsg on any socket with the
 * byte count (or a negative errno) in `ret`. See db_roundtrip.h for what is measured;
 * db_roundtrip_fexit.bpf.c is the same probe for kernels without these tracepoints.
 */
#include "db_roundtrip.h"

SEC("tracepoint/sock/sock_send_length")
int mop_db_send(struct trace_event_raw_sock_msg_length *ctx)
{
	if (ctx->protocol != IPPROTO_TCP)
		return 0;
	db_sent(ctx->sk, ctx->ret);
	return 0;
}

SEC("tracepoint/sock/sock_recv_length")
int mop_db_recv(struct trace_event_raw_sock_msg_length *ctx)
{
	if (ctx->protocol != IPPROTO_TCP)
		return 0;
	db_received(ctx->sk, ctx->ret, ctx->flags);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
