// SPDX-License-Identifier: GPL-2.0
/*
 * db_roundtrip, fexit flavour, for kernels without the sock_send_length /
 * sock_recv_length tracepoints (before 6.3, e.g. the 6.1 LTS of most managed node
 * images). fexit programs run when tcp_sendmsg / tcp_recvmsg return, with their
 * arguments and return value: the same sockets, byte counts and flags the
 * tracepoints report for TCP, so the metrics are identical (db_roundtrip.h).
 *
 * tcp_recvmsg lost its `nonblock` argument in 5.19, which moved `flags`; the
 * argument count tells which layout the kernel has. bpf_get_func_ret and
 * bpf_get_func_arg_cnt need 5.17; on older kernels this object is refused at load
 * time, and select-probes.sh then reports the probe as off.
 */
#include "db_roundtrip.h"
#include <bpf/bpf_tracing.h>

SEC("fexit/tcp_sendmsg")
int BPF_PROG(mop_db_send, struct sock *sk)
{
	u64 ret = 0;

	bpf_get_func_ret(ctx, &ret);
	db_sent(sk, (long)(int)ret);
	return 0;
}

SEC("fexit/tcp_recvmsg")
int BPF_PROG(mop_db_recv, struct sock *sk)
{
	u64 ret = 0, flags = 0;

	bpf_get_func_ret(ctx, &ret);
	/* (sk, msg, len, flags, addr_len) since 5.19; (sk, msg, len, nonblock, flags, addr_len) before */
	bpf_get_func_arg(ctx, bpf_get_func_arg_cnt(ctx) == 6 ? 4 : 3, &flags);
	db_received(sk, (long)(int)ret, (long)flags);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
