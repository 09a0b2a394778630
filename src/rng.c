/* rng.c: MT19937 with numpy's legacy RandomState seeding, Gaussian and shuffle
 * index draws, so a seed gives the same stream here as np.random.seed(seed). */
#include <math.h>
#include <string.h>

#include "internal.h"

#define MT_N MR_RNG_WORDS
#define MT_M 397

/* Classic init_genrand, which numpy's legacy seeding uses for an integer seed. */
void mr_rng_seed(mr_rng *rng, uint32_t seed)
{
    rng->state[0] = seed;
    for (int i = 1; i < MT_N; i++) {
        uint32_t prev = rng->state[i - 1];
        rng->state[i] = 1812433253u * (prev ^ (prev >> 30)) + (uint32_t)i;
    }
    rng->pos = MT_N;
    rng->has_gauss = 0;
    rng->gauss = 0.0;
}

/* Four words at a time, with GCC/Clang vector extensions: SSE natively,
 * simd128 in WebAssembly with -msimd128, scalarised otherwise. */
typedef uint32_t mr_u32x4 __attribute__((vector_size(16)));

static inline mr_u32x4 load4(const uint32_t *p)
{
    mr_u32x4 v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void store4(uint32_t *p, mr_u32x4 v)
{
    memcpy(p, &v, sizeof v);
}

/* Twists a word from its successor and the word MT_M positions on. */
static inline uint32_t mt_twist(uint32_t word, uint32_t next, uint32_t far)
{
    uint32_t y = (word & 0x80000000u) | (next & 0x7fffffffu);
    return far ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
}

static inline mr_u32x4 mt_twist4(mr_u32x4 word, mr_u32x4 next, mr_u32x4 far)
{
    mr_u32x4 y = (word & 0x80000000u) | (next & 0x7fffffffu);
    return far ^ (y >> 1) ^ (-(y & 1u) & 0x9908b0dfu);
}

/* Refills all 624 words in place, 4 at a time. Word i reads the old words
 * i + 1 and i + MT_M, or the new word i + MT_M - MT_N. Each of those is at
 * least 4 positions from the words written in the same step. */
void mr_rng_refill(mr_rng *rng)
{
    uint32_t *s = rng->state;
    int i = 0;
    for (; i + 4 <= MT_N - MT_M; i += 4)
        store4(s + i, mt_twist4(load4(s + i), load4(s + i + 1), load4(s + i + MT_M)));
    for (; i < MT_N - MT_M; i++)
        s[i] = mt_twist(s[i], s[i + 1], s[i + MT_M]);
    for (; i + 4 <= MT_N - 1; i += 4)
        store4(s + i, mt_twist4(load4(s + i), load4(s + i + 1), load4(s + i + MT_M - MT_N)));
    for (; i < MT_N - 1; i++)
        s[i] = mt_twist(s[i], s[i + 1], s[i + MT_M - MT_N]);
    s[MT_N - 1] = mt_twist(s[MT_N - 1], s[0], s[MT_M - 1]);
    rng->pos = 0;
}

static inline mr_u32x4 temper4(mr_u32x4 y)
{
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
}

/* The tempering of a single word, from lane 0. */
static inline uint32_t temper(uint32_t y)
{
    mr_u32x4 v = {y, y, y, y};
    return temper4(v)[0];
}

int mr_rng_temper_words(const mr_rng *rng, uint32_t out[MR_RNG_WORDS], int from)
{
    const uint32_t *s = rng->state;
    int end = (from + MR_RNG_TEMPER_CHUNK) & ~3;
    if (end > MT_N)
        end = MT_N;
    int i = from;
    for (; i < end && (i & 3); i++)
        out[i] = temper(s[i]);
    for (; i < end; i += 4)
        store4(out + i, temper4(load4(s + i)));
    return end;
}

uint32_t mr_rng_next_u32(mr_rng *rng)
{
    if (rng->pos >= MT_N)
        mr_rng_refill(rng);
    return temper(rng->state[rng->pos++]);
}

/* 27 high bits of one word and 26 of the next make a 53-bit fraction. */
double mr_rng_uniform(mr_rng *rng)
{
    uint32_t a = mr_rng_next_u32(rng) >> 5;
    uint32_t b = mr_rng_next_u32(rng) >> 6;
    return ((double)a * 67108864.0 + (double)b) / 9007199254740992.0;
}

/* Marsaglia's polar method; the second value of each pair is cached. */
double mr_rng_gauss(mr_rng *rng)
{
    if (rng->has_gauss) {
        rng->has_gauss = 0;
        return rng->gauss;
    }

    double x1, x2, r2;
    do {
        x1 = 2.0 * mr_rng_uniform(rng) - 1.0;
        x2 = 2.0 * mr_rng_uniform(rng) - 1.0;
        r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 == 0.0);

    double f = sqrt(-2.0 * log(r2) / r2);
    rng->gauss = f * x1;
    rng->has_gauss = 1;
    return f * x2;
}

/* Draws words masked to the smallest all-ones mask covering `max` until one
 * is at most `max`. */
uint32_t mr_rng_interval(mr_rng *rng, uint32_t max)
{
    if (max == 0)
        return 0;

    uint32_t mask = mr_interval_mask(max);
    uint32_t value;
    while ((value = (mr_rng_next_u32(rng) & mask)) > max) {
    }
    return value;
}
