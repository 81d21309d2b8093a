#include "models/window.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PER_OCTAVE 16
#define OCTAVES 27                      /* 1e-4 s * 2^27 = 13 422 s */
#define LOW_S 1e-4
#define NB (2 + OCTAVES * PER_OCTAVE + 1) /* zero, (0, LOW), the octaves, overflow */

struct bin {
	uint32_t done, failed;
	uint32_t h[NB];
};

struct sums {
	uint64_t done, failed;
	uint64_t h[NB];
};

struct windows {
	int n;
	int64_t len[WINDOW_MAX];   /* seconds */
	int64_t ring_n;            /* bins kept: the longest length + 1 (the bin being filled
				      must not reuse a slot a window still has to subtract) */
	int64_t n_bins;            /* bins in the period: ceil(end - start) */
	double start_s;
	int64_t cur;               /* the bin being filled */
	struct bin *cur_bin;       /* ring[cur % ring_n]: no division per outcome */
	double end_x;              /* n_bins as a double: outcomes at t - start_s >= end_x are
				      outside the period */
	bool any_full[WINDOW_MAX];
	struct bin *ring;          /* ring[s % ring_n] is bin s */
	struct sums sum[WINDOW_MAX];
	struct window_result res[WINDOW_MAX];
	uint16_t *sub;             /* sub-octave (see SUB_SHIFT) -> its first bucket - 2 */
	double max_wait;           /* the longest served wait in the period: no window's p99
				      can exceed it (windows_finish clips the bucket's middle) */
};

/* The bucket of a wait w was floor(16 log2(w / LOW_S)) + 2, a division and a logarithm for
 * every served request. BOUND[k] is the smallest double that formula (with glibc's log2, as
 * it ran) puts in bucket 2 + k or above; k = OCTAVES * PER_OCTAVE is the overflow's floor.
 * They were found by stepping ulp by ulp around LOW_S 2^(k/16) until the formula changed its
 * answer (and it is monotone for 64 ulps either side of each); tests/test_window.c checks
 * every bound against the formula, so the buckets, and every p99, are what they were. */
#define N_BOUNDS (OCTAVES * PER_OCTAVE + 1)
static const double BOUND[N_BOUNDS] = {
	0x1.a36e2eb1c432dp-14, 0x1.b6000b28b526fp-14, 0x1.c964604e5e5c1p-14,
	0x1.dda47fa32998ep-14, 0x1.f2ca2444fd0a1p-14, 0x1.046fbbce2441bp-13,
	0x1.0ff78b1f091f2p-13, 0x1.1c020a82ade24p-13, 0x1.289503332927ap-13,
	0x1.35b67ffeecd3cp-13, 0x1.436cd0300eca3p-13, 0x1.51be8a947a16fp-13,
	0x1.60b290a87d86bp-13, 0x1.705011e53d2ap-13, 0x1.809e8f349d84bp-13,
	0x1.91a5de8c5125p-13, 0x1.a36e2eb1c432dp-13, 0x1.b6000b28b526fp-13,
	0x1.c964604e5e5c1p-13, 0x1.dda47fa32998ep-13, 0x1.f2ca2444fd09fp-13,
	0x1.046fbbce2441bp-12, 0x1.0ff78b1f091f2p-12, 0x1.1c020a82ade23p-12,
	0x1.289503332927ap-12, 0x1.35b67ffeecd3cp-12, 0x1.436cd0300eca2p-12,
	0x1.51be8a947a16fp-12, 0x1.60b290a87d86ap-12, 0x1.705011e53d2ap-12,
	0x1.809e8f349d84bp-12, 0x1.91a5de8c5124fp-12, 0x1.a36e2eb1c432dp-12,
	0x1.b6000b28b526dp-12, 0x1.c964604e5e5c1p-12, 0x1.dda47fa32998dp-12,
	0x1.f2ca2444fd09fp-12, 0x1.046fbbce2441bp-11, 0x1.0ff78b1f091f2p-11,
	0x1.1c020a82ade23p-11, 0x1.2895033329279p-11, 0x1.35b67ffeecd3bp-11,
	0x1.436cd0300eca2p-11, 0x1.51be8a947a16fp-11, 0x1.60b290a87d86ap-11,
	0x1.705011e53d29fp-11, 0x1.809e8f349d84ap-11, 0x1.91a5de8c5124fp-11,
	0x1.a36e2eb1c432cp-11, 0x1.b6000b28b526dp-11, 0x1.c964604e5e5c1p-11,
	0x1.dda47fa32998dp-11, 0x1.f2ca2444fd09fp-11, 0x1.046fbbce2441bp-10,
	0x1.0ff78b1f091f2p-10, 0x1.1c020a82ade23p-10, 0x1.2895033329279p-10,
	0x1.35b67ffeecd3bp-10, 0x1.436cd0300eca2p-10, 0x1.51be8a947a16fp-10,
	0x1.60b290a87d86ap-10, 0x1.705011e53d29fp-10, 0x1.809e8f349d84ap-10,
	0x1.91a5de8c5124fp-10, 0x1.a36e2eb1c432cp-10, 0x1.b6000b28b526bp-10,
	0x1.c964604e5e5bfp-10, 0x1.dda47fa32998bp-10, 0x1.f2ca2444fd09dp-10,
	0x1.046fbbce2441ap-9, 0x1.0ff78b1f091f1p-9, 0x1.1c020a82ade22p-9,
	0x1.2895033329278p-9, 0x1.35b67ffeecd3ap-9, 0x1.436cd0300eca1p-9,
	0x1.51be8a947a16ep-9, 0x1.60b290a87d869p-9, 0x1.705011e53d29fp-9,
	0x1.809e8f349d849p-9, 0x1.91a5de8c5124dp-9, 0x1.a36e2eb1c432bp-9,
	0x1.b6000b28b526bp-9, 0x1.c964604e5e5bfp-9, 0x1.dda47fa32998bp-9,
	0x1.f2ca2444fd09dp-9, 0x1.046fbbce2441ap-8, 0x1.0ff78b1f091f1p-8,
	0x1.1c020a82ade22p-8, 0x1.2895033329278p-8, 0x1.35b67ffeecd3ap-8,
	0x1.436cd0300eca1p-8, 0x1.51be8a947a16ep-8, 0x1.60b290a87d869p-8,
	0x1.705011e53d29fp-8, 0x1.809e8f349d849p-8, 0x1.91a5de8c5124dp-8,
	0x1.a36e2eb1c432bp-8, 0x1.b6000b28b526bp-8, 0x1.c964604e5e5bfp-8,
	0x1.dda47fa32998bp-8, 0x1.f2ca2444fd09dp-8, 0x1.046fbbce2441ap-7,
	0x1.0ff78b1f091f1p-7, 0x1.1c020a82ade22p-7, 0x1.2895033329278p-7,
	0x1.35b67ffeecd3ap-7, 0x1.436cd0300eca1p-7, 0x1.51be8a947a16ep-7,
	0x1.60b290a87d869p-7, 0x1.705011e53d29fp-7, 0x1.809e8f349d849p-7,
	0x1.91a5de8c5124dp-7, 0x1.a36e2eb1c432bp-7, 0x1.b6000b28b526bp-7,
	0x1.c964604e5e5bfp-7, 0x1.dda47fa32998bp-7, 0x1.f2ca2444fd09dp-7,
	0x1.046fbbce2441ap-6, 0x1.0ff78b1f091f1p-6, 0x1.1c020a82ade22p-6,
	0x1.2895033329278p-6, 0x1.35b67ffeecd3ap-6, 0x1.436cd0300eca1p-6,
	0x1.51be8a947a16ep-6, 0x1.60b290a87d869p-6, 0x1.705011e53d29fp-6,
	0x1.809e8f349d849p-6, 0x1.91a5de8c5124dp-6, 0x1.a36e2eb1c432bp-6,
	0x1.b6000b28b526ap-6, 0x1.c964604e5e5bcp-6, 0x1.dda47fa329989p-6,
	0x1.f2ca2444fd09ap-6, 0x1.046fbbce24418p-5, 0x1.0ff78b1f091efp-5,
	0x1.1c020a82ade2p-5, 0x1.2895033329276p-5, 0x1.35b67ffeecd38p-5,
	0x1.436cd0300ec9fp-5, 0x1.51be8a947a16cp-5, 0x1.60b290a87d867p-5,
	0x1.705011e53d29dp-5, 0x1.809e8f349d848p-5, 0x1.91a5de8c5124cp-5,
	0x1.a36e2eb1c4329p-5, 0x1.b6000b28b526ap-5, 0x1.c964604e5e5bcp-5,
	0x1.dda47fa329989p-5, 0x1.f2ca2444fd09ap-5, 0x1.046fbbce24418p-4,
	0x1.0ff78b1f091efp-4, 0x1.1c020a82ade2p-4, 0x1.2895033329276p-4,
	0x1.35b67ffeecd38p-4, 0x1.436cd0300ec9fp-4, 0x1.51be8a947a16cp-4,
	0x1.60b290a87d867p-4, 0x1.705011e53d29dp-4, 0x1.809e8f349d848p-4,
	0x1.91a5de8c5124cp-4, 0x1.a36e2eb1c4329p-4, 0x1.b6000b28b526ap-4,
	0x1.c964604e5e5bcp-4, 0x1.dda47fa329989p-4, 0x1.f2ca2444fd09ap-4,
	0x1.046fbbce24418p-3, 0x1.0ff78b1f091efp-3, 0x1.1c020a82ade2p-3,
	0x1.2895033329276p-3, 0x1.35b67ffeecd38p-3, 0x1.436cd0300ec9fp-3,
	0x1.51be8a947a16cp-3, 0x1.60b290a87d867p-3, 0x1.705011e53d29dp-3,
	0x1.809e8f349d848p-3, 0x1.91a5de8c5124cp-3, 0x1.a36e2eb1c4329p-3,
	0x1.b6000b28b526ap-3, 0x1.c964604e5e5bcp-3, 0x1.dda47fa329989p-3,
	0x1.f2ca2444fd09ap-3, 0x1.046fbbce24418p-2, 0x1.0ff78b1f091efp-2,
	0x1.1c020a82ade2p-2, 0x1.2895033329276p-2, 0x1.35b67ffeecd38p-2,
	0x1.436cd0300ec9fp-2, 0x1.51be8a947a16cp-2, 0x1.60b290a87d867p-2,
	0x1.705011e53d29dp-2, 0x1.809e8f349d848p-2, 0x1.91a5de8c5124cp-2,
	0x1.a36e2eb1c4329p-2, 0x1.b6000b28b526ap-2, 0x1.c964604e5e5bcp-2,
	0x1.dda47fa329989p-2, 0x1.f2ca2444fd09ap-2, 0x1.046fbbce24418p-1,
	0x1.0ff78b1f091efp-1, 0x1.1c020a82ade2p-1, 0x1.2895033329276p-1,
	0x1.35b67ffeecd38p-1, 0x1.436cd0300ec9fp-1, 0x1.51be8a947a16cp-1,
	0x1.60b290a87d867p-1, 0x1.705011e53d29dp-1, 0x1.809e8f349d848p-1,
	0x1.91a5de8c5124cp-1, 0x1.a36e2eb1c4329p-1, 0x1.b6000b28b526ap-1,
	0x1.c964604e5e5bcp-1, 0x1.dda47fa329989p-1, 0x1.f2ca2444fd09ap-1,
	0x1.046fbbce24418p+0, 0x1.0ff78b1f091efp+0, 0x1.1c020a82ade2p+0,
	0x1.2895033329276p+0, 0x1.35b67ffeecd38p+0, 0x1.436cd0300ec9fp+0,
	0x1.51be8a947a16cp+0, 0x1.60b290a87d867p+0, 0x1.705011e53d29dp+0,
	0x1.809e8f349d848p+0, 0x1.91a5de8c5124cp+0, 0x1.a36e2eb1c4329p+0,
	0x1.b6000b28b526ap+0, 0x1.c964604e5e5bcp+0, 0x1.dda47fa329989p+0,
	0x1.f2ca2444fd09ap+0, 0x1.046fbbce24418p+1, 0x1.0ff78b1f091efp+1,
	0x1.1c020a82ade2p+1, 0x1.2895033329276p+1, 0x1.35b67ffeecd38p+1,
	0x1.436cd0300ec9fp+1, 0x1.51be8a947a16cp+1, 0x1.60b290a87d867p+1,
	0x1.705011e53d29dp+1, 0x1.809e8f349d848p+1, 0x1.91a5de8c5124cp+1,
	0x1.a36e2eb1c4329p+1, 0x1.b6000b28b526ap+1, 0x1.c964604e5e5bcp+1,
	0x1.dda47fa329989p+1, 0x1.f2ca2444fd09ap+1, 0x1.046fbbce24418p+2,
	0x1.0ff78b1f091efp+2, 0x1.1c020a82ade2p+2, 0x1.2895033329276p+2,
	0x1.35b67ffeecd38p+2, 0x1.436cd0300ec9fp+2, 0x1.51be8a947a16cp+2,
	0x1.60b290a87d867p+2, 0x1.705011e53d29dp+2, 0x1.809e8f349d848p+2,
	0x1.91a5de8c5124cp+2, 0x1.a36e2eb1c4329p+2, 0x1.b6000b28b5265p+2,
	0x1.c964604e5e5b7p+2, 0x1.dda47fa329984p+2, 0x1.f2ca2444fd095p+2,
	0x1.046fbbce24416p+3, 0x1.0ff78b1f091ecp+3, 0x1.1c020a82ade1dp+3,
	0x1.2895033329273p+3, 0x1.35b67ffeecd35p+3, 0x1.436cd0300ec9bp+3,
	0x1.51be8a947a169p+3, 0x1.60b290a87d864p+3, 0x1.705011e53d299p+3,
	0x1.809e8f349d843p+3, 0x1.91a5de8c51247p+3, 0x1.a36e2eb1c4324p+3,
	0x1.b6000b28b5265p+3, 0x1.c964604e5e5b7p+3, 0x1.dda47fa329984p+3,
	0x1.f2ca2444fd095p+3, 0x1.046fbbce24416p+4, 0x1.0ff78b1f091ecp+4,
	0x1.1c020a82ade1dp+4, 0x1.2895033329273p+4, 0x1.35b67ffeecd35p+4,
	0x1.436cd0300ec9bp+4, 0x1.51be8a947a169p+4, 0x1.60b290a87d864p+4,
	0x1.705011e53d299p+4, 0x1.809e8f349d843p+4, 0x1.91a5de8c51247p+4,
	0x1.a36e2eb1c4324p+4, 0x1.b6000b28b5265p+4, 0x1.c964604e5e5b7p+4,
	0x1.dda47fa329984p+4, 0x1.f2ca2444fd095p+4, 0x1.046fbbce24416p+5,
	0x1.0ff78b1f091ecp+5, 0x1.1c020a82ade1dp+5, 0x1.2895033329273p+5,
	0x1.35b67ffeecd35p+5, 0x1.436cd0300ec9bp+5, 0x1.51be8a947a169p+5,
	0x1.60b290a87d864p+5, 0x1.705011e53d299p+5, 0x1.809e8f349d843p+5,
	0x1.91a5de8c51247p+5, 0x1.a36e2eb1c4324p+5, 0x1.b6000b28b5265p+5,
	0x1.c964604e5e5b7p+5, 0x1.dda47fa329984p+5, 0x1.f2ca2444fd095p+5,
	0x1.046fbbce24416p+6, 0x1.0ff78b1f091ecp+6, 0x1.1c020a82ade1dp+6,
	0x1.2895033329273p+6, 0x1.35b67ffeecd35p+6, 0x1.436cd0300ec9bp+6,
	0x1.51be8a947a169p+6, 0x1.60b290a87d864p+6, 0x1.705011e53d299p+6,
	0x1.809e8f349d843p+6, 0x1.91a5de8c51247p+6, 0x1.a36e2eb1c4324p+6,
	0x1.b6000b28b5265p+6, 0x1.c964604e5e5b7p+6, 0x1.dda47fa329984p+6,
	0x1.f2ca2444fd095p+6, 0x1.046fbbce24416p+7, 0x1.0ff78b1f091ecp+7,
	0x1.1c020a82ade1dp+7, 0x1.2895033329273p+7, 0x1.35b67ffeecd35p+7,
	0x1.436cd0300ec9bp+7, 0x1.51be8a947a169p+7, 0x1.60b290a87d864p+7,
	0x1.705011e53d299p+7, 0x1.809e8f349d843p+7, 0x1.91a5de8c51247p+7,
	0x1.a36e2eb1c4324p+7, 0x1.b6000b28b5265p+7, 0x1.c964604e5e5b7p+7,
	0x1.dda47fa329984p+7, 0x1.f2ca2444fd095p+7, 0x1.046fbbce24416p+8,
	0x1.0ff78b1f091ecp+8, 0x1.1c020a82ade1dp+8, 0x1.2895033329273p+8,
	0x1.35b67ffeecd35p+8, 0x1.436cd0300ec9bp+8, 0x1.51be8a947a169p+8,
	0x1.60b290a87d864p+8, 0x1.705011e53d299p+8, 0x1.809e8f349d843p+8,
	0x1.91a5de8c51247p+8, 0x1.a36e2eb1c4324p+8, 0x1.b6000b28b5265p+8,
	0x1.c964604e5e5b7p+8, 0x1.dda47fa329984p+8, 0x1.f2ca2444fd095p+8,
	0x1.046fbbce24416p+9, 0x1.0ff78b1f091ecp+9, 0x1.1c020a82ade1dp+9,
	0x1.2895033329273p+9, 0x1.35b67ffeecd35p+9, 0x1.436cd0300ec9bp+9,
	0x1.51be8a947a169p+9, 0x1.60b290a87d864p+9, 0x1.705011e53d299p+9,
	0x1.809e8f349d843p+9, 0x1.91a5de8c51247p+9, 0x1.a36e2eb1c4324p+9,
	0x1.b6000b28b5265p+9, 0x1.c964604e5e5b7p+9, 0x1.dda47fa329984p+9,
	0x1.f2ca2444fd095p+9, 0x1.046fbbce24416p+10, 0x1.0ff78b1f091ecp+10,
	0x1.1c020a82ade1dp+10, 0x1.2895033329273p+10, 0x1.35b67ffeecd35p+10,
	0x1.436cd0300ec9bp+10, 0x1.51be8a947a169p+10, 0x1.60b290a87d864p+10,
	0x1.705011e53d299p+10, 0x1.809e8f349d843p+10, 0x1.91a5de8c51247p+10,
	0x1.a36e2eb1c4324p+10, 0x1.b6000b28b5265p+10, 0x1.c964604e5e5b7p+10,
	0x1.dda47fa329984p+10, 0x1.f2ca2444fd095p+10, 0x1.046fbbce24416p+11,
	0x1.0ff78b1f091ecp+11, 0x1.1c020a82ade1dp+11, 0x1.2895033329273p+11,
	0x1.35b67ffeecd35p+11, 0x1.436cd0300ec9bp+11, 0x1.51be8a947a169p+11,
	0x1.60b290a87d864p+11, 0x1.705011e53d299p+11, 0x1.809e8f349d843p+11,
	0x1.91a5de8c51247p+11, 0x1.a36e2eb1c4324p+11, 0x1.b6000b28b5265p+11,
	0x1.c964604e5e5b7p+11, 0x1.dda47fa329984p+11, 0x1.f2ca2444fd095p+11,
	0x1.046fbbce24416p+12, 0x1.0ff78b1f091ecp+12, 0x1.1c020a82ade1dp+12,
	0x1.2895033329273p+12, 0x1.35b67ffeecd35p+12, 0x1.436cd0300ec9bp+12,
	0x1.51be8a947a169p+12, 0x1.60b290a87d864p+12, 0x1.705011e53d299p+12,
	0x1.809e8f349d843p+12, 0x1.91a5de8c51247p+12, 0x1.a36e2eb1c4324p+12,
	0x1.b6000b28b5265p+12, 0x1.c964604e5e5b7p+12, 0x1.dda47fa329984p+12,
	0x1.f2ca2444fd095p+12, 0x1.046fbbce24416p+13, 0x1.0ff78b1f091ecp+13,
	0x1.1c020a82ade1dp+13, 0x1.2895033329273p+13, 0x1.35b67ffeecd35p+13,
	0x1.436cd0300ec9bp+13, 0x1.51be8a947a169p+13, 0x1.60b290a87d864p+13,
	0x1.705011e53d299p+13, 0x1.809e8f349d843p+13, 0x1.91a5de8c51247p+13,
	0x1.a36e2eb1c4324p+13
};

/* A double's bits, read as an integer, are monotone in it for w > 0; above their low
 * SUB_SHIFT bits they are (biased exponent, top 5 mantissa bits): 32 sub-octaves, each at most
 * 2^(1/32) wide, narrower than a bucket (2^(1/16)), so at most one bound falls inside one. The
 * sub-octave's first bucket is looked up (struct windows' sub[]), then one comparison with
 * the next bound decides. */
#define SUB_SHIFT (52 - 5)

static uint64_t bits_of(double x)
{
	uint64_t b;
	memcpy(&b, &x, sizeof b);
	return b;
}

static double of_bits(uint64_t b)
{
	double x;
	memcpy(&x, &b, sizeof x);
	return x;
}

#define SUB_FIRST (bits_of(LOW_S) >> SUB_SHIFT)
#define N_SUB ((bits_of(BOUND[N_BOUNDS - 1]) >> SUB_SHIFT) - SUB_FIRST + 1)

static inline int bucket_of(const struct windows *w, double x)
{
	if (!(x > 0))
		return 0;
	if (x < LOW_S)
		return 1;
	if (x >= BOUND[N_BOUNDS - 1])
		return NB - 1;
	int k = w->sub[(bits_of(x) >> SUB_SHIFT) - SUB_FIRST];
	return 2 + k + (x >= BOUND[k + 1]);
}

int windows_bucket(const struct windows *w, double wait_s) { return bucket_of(w, wait_s); }

/* sub[i]: the bucket (less 2) of the smallest double of sub-octave i, the number of bounds
 * at or below it, less one (the first sub-octave starts below LOW_S: bucket 2 + 0 for what
 * of it is counted here). */
static void fill_sub(uint16_t *sub)
{
	int k = 0;
	for (uint64_t i = 0; i < N_SUB; i++) {
		double lo = of_bits((SUB_FIRST + i) << SUB_SHIFT);
		while (k + 1 < N_BOUNDS && BOUND[k + 1] <= lo)
			k++;
		sub[i] = (uint16_t)k;
	}
}

/* A value for bucket b: 0, the low bound, the geometric middle, or the overflow's floor. */
static double bucket_value(int b)
{
	if (b == 0)
		return 0;
	if (b == 1)
		return LOW_S;
	if (b == NB - 1)
		return LOW_S * exp2((double)OCTAVES);
	return LOW_S * exp2((b - 2 + 0.5) / PER_OCTAVE);
}

/* The 0.99 quantile of the waits in s: the smallest value with at least 99 % of the waits at
 * or below it (rank ceil(0.99 n)); NAN when empty. */
static double p99(const struct sums *s)
{
	uint64_t n = s->done - s->failed; /* each outcome not failed is in one bucket */
	if (n == 0)
		return NAN;
	uint64_t rank = (uint64_t)ceil(0.99 * (double)n), seen = 0;
	for (int b = 0; b < NB; b++) {
		seen += s->h[b];
		if (seen >= rank)
			return bucket_value(b);
	}
	return bucket_value(NB - 1);
}

struct windows *windows_create(const double *lengths_s, int n, double start_s, double end_s)
{
	struct windows *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
	w->n = n < WINDOW_MAX ? n : WINDOW_MAX;
	w->start_s = start_s;
	double span = end_s - start_s;
	w->n_bins = span > 0 ? (int64_t)ceil(span) : 0;
	w->ring_n = 1;
	for (int i = 0; i < w->n; i++) {
		double l = round(lengths_s[i]);
		w->len[i] = l >= 1 ? (int64_t)l : 1;
		if (w->len[i] > w->ring_n)
			w->ring_n = w->len[i];
		w->res[i] = (struct window_result){(double)w->len[i], NAN, NAN, 0, 0, NAN, NAN};
	}
	w->ring_n++;
	w->ring = calloc((size_t)w->ring_n, sizeof *w->ring);
	w->sub = malloc(N_SUB * sizeof *w->sub);
	if (!w->ring || !w->sub) {
		free(w->ring);
		free(w->sub);
		free(w);
		return NULL;
	}
	fill_sub(w->sub);
	w->cur_bin = &w->ring[0];
	w->end_x = (double)w->n_bins;
	return w;
}

void windows_destroy(struct windows *w)
{
	if (!w)
		return;
	free(w->ring);
	free(w->sub);
	free(w);
}

static void judge(struct windows *w, int i, double start)
{
	struct window_result *r = &w->res[i];
	const struct sums *s = &w->sum[i];
	if (s->done > 0) {
		double rate = (double)s->failed / (double)s->done;
		if (isnan(r->failure_rate) || rate > r->failure_rate) {
			r->failure_rate = rate;
			r->failure_start_s = start;
			r->failed = (double)s->failed;
			r->outcomes = (double)s->done;
		}
	}
	double q = p99(s);
	if (!isnan(q) && (isnan(r->wait_p99) || q > r->wait_p99)) {
		r->wait_p99 = q;
		r->wait_start_s = start;
	}
}

/* Bin s is complete: it joins every window's sums, the bin a window length ago leaves them,
 * and every window that is now full is judged. */
static void close_bin(struct windows *w, int64_t s)
{
	const struct bin *in = &w->ring[s % w->ring_n];
	for (int i = 0; i < w->n; i++) {
		struct sums *su = &w->sum[i];
		su->done += in->done;
		su->failed += in->failed;
		if (s - w->len[i] >= 0) {
			const struct bin *out = &w->ring[(s - w->len[i]) % w->ring_n];
			su->done -= out->done;
			su->failed -= out->failed;
			/* one pass; modulo 2^64 the same sums as adding, then subtracting */
			for (int b = 0; b < NB; b++)
				su->h[b] += (uint64_t)in->h[b] - out->h[b];
		} else {
			for (int b = 0; b < NB; b++)
				su->h[b] += in->h[b];
		}
		if (s + 1 >= w->len[i]) {
			w->any_full[i] = true;
			judge(w, i, w->start_s + (double)(s + 1 - w->len[i]));
		}
	}
}

/* Nothing in any window and nothing in the bin being filled: closing bins changes no sum and
 * judges nothing (an empty window has no rate and no quantile). */
static bool idle(const struct windows *w)
{
	for (int i = 0; i < w->n; i++)
		if (w->sum[i].done)
			return false;
	return w->ring[w->cur % w->ring_n].done == 0;
}

/* Close bins until `to` is the bin being filled; a bin reused by the ring starts empty. An
 * idle stretch is skipped in one step, so the cost follows the requests, not the horizon
 * (a profile that ends at 0 under a horizon of 1000 days). */
static void advance(struct windows *w, int64_t to)
{
	while (w->cur < to) {
		if (idle(w)) {
			for (int i = 0; i < w->n; i++)
				if (to >= w->len[i])
					w->any_full[i] = true;
			memset(w->ring, 0, (size_t)w->ring_n * sizeof *w->ring);
			w->cur = to;
			w->cur_bin = &w->ring[to % w->ring_n];
			return;
		}
		close_bin(w, w->cur);
		w->cur++;
		/* the bin about to be filled reuses the slot of bin cur - ring_n, which every
		 * window let go of when bin cur - 1 closed (ring_n > the longest length) */
		w->cur_bin = &w->ring[w->cur % w->ring_n];
		memset(w->cur_bin, 0, sizeof *w->ring);
	}
}

void windows_add(struct windows *w, double t, bool failed, double wait_s)
{
	double x = t - w->start_s;
	/* x < n_bins, an integer, exactly when floor(x) < n_bins; then x >= 0 truncates to its
	 * floor (no call to floor) */
	if (!(x >= 0) || !(x < w->end_x))
		return;
	int64_t s = (int64_t)x;
	if (s > w->cur)
		advance(w, s);
	/* s == cur but for outcomes out of time order, which the contract rules out */
	struct bin *b = s == w->cur ? w->cur_bin : &w->ring[s % w->ring_n];
	b->done++;
	if (failed) {
		b->failed++;
	} else {
		b->h[bucket_of(w, wait_s)]++;
		if (wait_s > w->max_wait)
			w->max_wait = wait_s;
	}
}

void windows_finish(struct windows *w, struct window_result *out)
{
	if (w->n_bins > 0) {
		advance(w, w->n_bins - 1);
		close_bin(w, w->n_bins - 1);
	}
	for (int i = 0; i < w->n; i++) {
		/* a period shorter than the window: the window is the whole period */
		if (!w->any_full[i] && w->n_bins > 0)
			judge(w, i, w->start_s);
		out[i] = w->res[i];
		/* A p99 is its bucket's middle, up to 2.2 % above the waits in the bucket: never
		 * report more than the longest wait there was (30.5 s against a 30 s pool timeout
		 * reads as a bug). Clipping to the period's longest wait keeps it an upper bound of
		 * nothing false: every window's true p99 is at most that. */
		if (out[i].wait_p99 > w->max_wait)
			out[i].wait_p99 = w->max_wait;
	}
}
