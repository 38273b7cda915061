/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers for MOP's small CO-RE probes (loaded by ebpf_exporter).
 *
 * Conventions the exporter relies on (see docs/obi-probes.md):
 *   - a metric map's name is the metric name, its value is a u64;
 *   - a histogram key ends with a u64 `bucket`, and bucket `MOP_BUCKET_MAX + 1`
 *     holds the running sum of observed values (the exporter's optional sum key).
 */
#ifndef MOP_BPF_H
#define MOP_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

#ifndef AF_INET
#define AF_INET 2
#endif
#ifndef AF_INET6
#define AF_INET6 10
#endif

/* exp2 histograms use microseconds, buckets 2^0 .. 2^26 us (1 us .. ~67 s). */
#define MOP_BUCKET_MAX 26

/*
 * Smallest b with v <= 2^b. ebpf_exporter renders bucket b as `le = 2^b * multiplier`,
 * so rounding up (not the usual floor(log2)) keeps every observation inside its `le`.
 */
static __always_inline u64 mop_exp2_bucket(u64 v)
{
	u64 b = 0;

	if (v <= 1)
		return 0;
	v -= 1;
	/* floor(log2(v)) + 1, branch-free enough for the verifier (fixed 6 steps). */
	if (v >> 32) { b += 32; v >>= 32; }
	if (v >> 16) { b += 16; v >>= 16; }
	if (v >> 8)  { b += 8;  v >>= 8; }
	if (v >> 4)  { b += 4;  v >>= 4; }
	if (v >> 2)  { b += 2;  v >>= 2; }
	if (v >> 1)  { b += 1; }
	return b + 1;
}

/* Atomically add `delta` to map[key], creating the entry at zero first. */
static __always_inline void mop_add(void *map, const void *key, u64 delta)
{
	u64 zero = 0, *val;

	val = bpf_map_lookup_elem(map, key);
	if (!val) {
		/* BPF_NOEXIST: if another CPU created it meanwhile, we just look it up again. */
		bpf_map_update_elem(map, key, &zero, BPF_NOEXIST);
		val = bpf_map_lookup_elem(map, key);
		if (!val)
			return; /* map full: drop rather than evict other series */
	}
	__sync_fetch_and_add(val, delta);
}

/*
 * Record one observation `value_us` in an exp2 histogram whose key struct ends in
 * `u64 bucket`: count in its bucket, value in the sum bucket (MOP_BUCKET_MAX + 1).
 */
#define mop_observe_exp2(map, key, value_us)                         \
	do {                                                         \
		u64 __b = mop_exp2_bucket(value_us);                 \
		(key).bucket = __b > MOP_BUCKET_MAX ? MOP_BUCKET_MAX : __b; \
		mop_add(map, &(key), 1);                             \
		(key).bucket = MOP_BUCKET_MAX + 1;                   \
		mop_add(map, &(key), value_us);                      \
	} while (0)

#endif /* MOP_BPF_H */
