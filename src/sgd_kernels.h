/* sgd_kernels.h: SGD epoch kernels shared by the model and the benchmarks. */
#ifndef MINIREC_SGD_KERNELS_H
#define MINIREC_SGD_KERNELS_H

#include <stddef.h>

/* One training rating: model rows and the rating (ratings are stored as float;
 * every MovieLens and MovieTweetings rating is exact in float). */
typedef struct mr_triple {
    int u, m;
    float r;
} mr_triple;

/* Each kernel runs one pass in array order and returns the sum of the squared
 * errors measured before each step. U is (n_users, k or kp), V (n_movies, k or kp). */
double mr_sgd_epoch_exact(double *U, double *V, const mr_triple *t, int n, int k, double lr,
                          double reg);
double mr_sgd_epoch_scalar_float(float *U, float *V, const mr_triple *t, int n, int kp, float lr,
                                 float reg);
double mr_sgd_epoch_simd_float(float *U, float *V, const mr_triple *t, int n, int kp, float lr,
                               float reg);

/* The same kernels over a slice of an epoch: each adds its squared errors to
 * `total`, one at a time, and returns the sum, so splitting an epoch into
 * slices gives the same sum, bit for bit, as one pass. */
double mr_sgd_steps_exact(double *U, double *V, const mr_triple *t, int n, int k, double lr,
                          double reg, double total);
double mr_sgd_steps_scalar_float(float *U, float *V, const mr_triple *t, int n, int kp, float lr,
                                 float reg, double total);
double mr_sgd_steps_simd_float(float *U, float *V, const mr_triple *t, int n, int kp, float lr,
                               float reg, double total);

/* Dot product of two padded float rows of length kp (a multiple of 4). */
float mr_dot_simd_float(const float *a, const float *b, int kp);

#endif
