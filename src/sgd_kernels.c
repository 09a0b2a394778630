/* sgd_kernels.c: one SGD pass over shuffled (user, movie, rating) triples, in
 * three kernels that share one update rule:
 *   exact         scalar double; reproduces numpy float64 results bit for bit
 *   scalar_float  scalar float; the plain reference for the SIMD kernel
 *   simd_float    float, 4 lanes per step with GCC/Clang vector extensions,
 *                 which become SSE natively and simd128 in WebAssembly when
 *                 built with -msimd128 (scalarised, still correct, otherwise)
 * Float factor rows are padded to kp = k rounded up to a multiple of 4; the
 * padding starts at 0 and stays 0 because its gradients are 0. */
#include <string.h>

#include "sgd_kernels.h"

/* Keeps the scalar reference kernels scalar, so benchmarks compare the SIMD
 * kernel with plain code: GCC (the attribute) and Clang with -msimd128 (the
 * loop pragma) would otherwise vectorise their update loops. */
#if defined(__GNUC__) && !defined(__clang__)
#define MR_SCALAR __attribute__((optimize("no-tree-vectorize")))
#else
#define MR_SCALAR
#endif
#if defined(__clang__)
#define MR_SCALAR_LOOP _Pragma("clang loop vectorize(disable) interleave(disable)")
#else
#define MR_SCALAR_LOOP
#endif

/* The exact update, inlined into mr_sgd_steps_exact once for each k with a
 * specialised copy, where a constant k lets the compiler unroll the row loops.
 * Every copy does the same operations in the same order. */
static inline __attribute__((always_inline)) double exact_steps(double *U, double *V, const mr_triple *t, int n,
                                                                int k, double lr, double reg, double total)
{
    for (int i = 0; i < n; i++) {
        double *Uu = U + (size_t)t[i].u * (size_t)k;
        double *Vm = V + (size_t)t[i].m * (size_t)k;

        double pred = 0.0;
        MR_SCALAR_LOOP
        for (int f = 0; f < k; f++)
            pred += Uu[f] * Vm[f];
        double e = (double)t[i].r - pred;

        /* Both gradients use the factors from before this step. */
        double ge = -2.0 * e, gr = 2.0 * reg;
        MR_SCALAR_LOOP
        for (int f = 0; f < k; f++) {
            double u = Uu[f], v = Vm[f];
            double du = ge * v + gr * u;
            double dv = ge * u + gr * v;
            Uu[f] = u - lr * du;
            Vm[f] = v - lr * dv;
        }
        total += e * e;
    }
    return total;
}

MR_SCALAR double mr_sgd_steps_exact(double *U, double *V, const mr_triple *t, int n, int k,
                                    double lr, double reg, double total)
{
    /* 3 is the default number of factors. */
    if (k == 3)
        return exact_steps(U, V, t, n, 3, lr, reg, total);
    return exact_steps(U, V, t, n, k, lr, reg, total);
}

MR_SCALAR double mr_sgd_steps_scalar_float(float *U, float *V, const mr_triple *t, int n, int kp,
                                           float lr, float reg, double total)
{
    for (int i = 0; i < n; i++) {
        float *Uu = U + (size_t)t[i].u * (size_t)kp;
        float *Vm = V + (size_t)t[i].m * (size_t)kp;

        float pred = 0.0f;
        MR_SCALAR_LOOP
        for (int f = 0; f < kp; f++)
            pred += Uu[f] * Vm[f];
        float e = t[i].r - pred;

        float ge = -2.0f * e, gr = 2.0f * reg;
        MR_SCALAR_LOOP
        for (int f = 0; f < kp; f++) {
            float u = Uu[f], v = Vm[f];
            Uu[f] = u - lr * (ge * v + gr * u);
            Vm[f] = v - lr * (ge * u + gr * v);
        }
        total += (double)e * (double)e;
    }
    return total;
}

typedef float f32x4 __attribute__((vector_size(16)));

/* Unaligned 16-byte load and store through memcpy, which compilers turn into
 * one vector move. */
static inline f32x4 load4(const float *p)
{
    f32x4 v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void store4(float *p, f32x4 v) { memcpy(p, &v, sizeof v); }

/* Dot product in 4 lane sums, added pairwise at the end. */
float mr_dot_simd_float(const float *a, const float *b, int kp)
{
    f32x4 acc = {0.0f, 0.0f, 0.0f, 0.0f};
    for (int f = 0; f < kp; f += 4)
        acc += load4(a + f) * load4(b + f);
    return (acc[0] + acc[1]) + (acc[2] + acc[3]);
}

double mr_sgd_steps_simd_float(float *U, float *V, const mr_triple *t, int n, int kp, float lr,
                               float reg, double total)
{
    for (int i = 0; i < n; i++) {
        float *Uu = U + (size_t)t[i].u * (size_t)kp;
        float *Vm = V + (size_t)t[i].m * (size_t)kp;

        float pred = mr_dot_simd_float(Uu, Vm, kp);
        float e = t[i].r - pred;

        /* u' = u - lr (ge v + gr u) = a u + b v with a = 1 - lr gr, b = -lr ge. */
        float ge = -2.0f * e, gr = 2.0f * reg;
        f32x4 a = {0}, b = {0};
        a += 1.0f - lr * gr;
        b += -lr * ge;
        for (int f = 0; f < kp; f += 4) {
            f32x4 u = load4(Uu + f), v = load4(Vm + f);
            store4(Uu + f, a * u + b * v);
            store4(Vm + f, a * v + b * u);
        }
        total += (double)e * (double)e;
    }
    return total;
}

/* ------------------------------------------------------------------------ */
/* Whole passes                                                             */
/* ------------------------------------------------------------------------ */

double mr_sgd_epoch_exact(double *U, double *V, const mr_triple *t, int n, int k, double lr,
                          double reg)
{
    return mr_sgd_steps_exact(U, V, t, n, k, lr, reg, 0.0);
}

double mr_sgd_epoch_scalar_float(float *U, float *V, const mr_triple *t, int n, int kp, float lr,
                                 float reg)
{
    return mr_sgd_steps_scalar_float(U, V, t, n, kp, lr, reg, 0.0);
}

double mr_sgd_epoch_simd_float(float *U, float *V, const mr_triple *t, int n, int kp, float lr,
                               float reg)
{
    return mr_sgd_steps_simd_float(U, V, t, n, kp, lr, reg, 0.0);
}
