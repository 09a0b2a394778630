/* rng.c: MT19937 with numpy's legacy RandomState seeding, Gaussian and shuffle
 * index draws, so a seed gives the same stream here as np.random.seed(seed). */
#include <math.h>

#include "minirec.h"

#define MT_N 624
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

/* Twists a word from its successor and the word MT_M positions on. */
static inline uint32_t mt_twist(uint32_t word, uint32_t next, uint32_t far)
{
    uint32_t y = (word & 0x80000000u) | (next & 0x7fffffffu);
    return far ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
}

/* Refills all 624 words; the three loops avoid a modulo per word. */
static void mt_regenerate(mr_rng *rng)
{
    uint32_t *s = rng->state;
    int i = 0;
    for (; i < MT_N - MT_M; i++)
        s[i] = mt_twist(s[i], s[i + 1], s[i + MT_M]);
    for (; i < MT_N - 1; i++)
        s[i] = mt_twist(s[i], s[i + 1], s[i + MT_M - MT_N]);
    s[MT_N - 1] = mt_twist(s[MT_N - 1], s[0], s[MT_M - 1]);
    rng->pos = 0;
}

uint32_t mr_rng_next_u32(mr_rng *rng)
{
    if (rng->pos >= MT_N)
        mt_regenerate(rng);
    uint32_t y = rng->state[rng->pos++];

    /* Tempering. */
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
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

    uint32_t mask = max;
    mask |= mask >> 1;
    mask |= mask >> 2;
    mask |= mask >> 4;
    mask |= mask >> 8;
    mask |= mask >> 16;

    uint32_t value;
    while ((value = (mr_rng_next_u32(rng) & mask)) > max) {
    }
    return value;
}
