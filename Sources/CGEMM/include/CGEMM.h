// nn's own GEMM for small and medium products (issue 20): register-blocked
// micro-kernels in AVX-512 and AVX2 (+FMA), chosen at run time.
//
// C = alpha * op(A) * op(B) + beta * C, row-major: C is m x n, op(A) m x k,
// op(B) k x n, where op(X) is X or its transpose (trans_a, trans_b nonzero).
// lda, ldb, ldc are the row strides of A, B, C as stored. beta == 0 means C
// is not read (it may hold NaN or be uninitialised).
//
// SAFETY CONTRACT (these functions check nothing they cannot): the caller
// lends matrices of the stated sizes and strides, m, n, k >= 0,
// lda >= max(1, trans_a ? m : k), ldb >= max(1, trans_b ? k : n),
// ldc >= max(1, n), and every element i * ld + j with i, j inside the
// matrix lies inside its buffer (so no offset computed here overflows).
// In nn that caller is NNTensor's `NativeGEMM` (GEMM+Native.swift), which
// receives them from `GEMMScalar.gemm`, whose callers own the buffers.
#ifndef NN_CGEMM_H
#define NN_CGEMM_H

/// Kernel families: 0 none (no AVX2+FMA: use another GEMM), 1 AVX2 + FMA
/// (256-bit), 2 AVX-512 F/VL/DQ (512-bit, 32 registers).
enum { NN_GEMM_NONE = 0, NN_GEMM_AVX2 = 1, NN_GEMM_AVX512 = 2 };

/// The best family this CPU and operating system support (CPUID and the
/// registers the OS saves, XGETBV), computed once.
int nn_gemm_best_variant(void);

/// Single and double precision on up to `threads` threads (1 or 2: a large
/// enough product is split in two, the second share on a persistent worker
/// thread). Return 0 when the product was computed, -1 when `variant` is
/// not supported here (nothing is touched), -2 when the packing buffer
/// could not be allocated (nothing is touched).
int nn_sgemm(int variant, int threads, int trans_a, int trans_b, long m, long n, long k,
             float alpha, const float *a, long lda, const float *b, long ldb,
             float beta, float *c, long ldc);
int nn_dgemm(int variant, int threads, int trans_a, int trans_b, long m, long n, long k,
             double alpha, const double *a, long lda, const double *b, long ldb,
             double beta, double *c, long ldc);

#endif
