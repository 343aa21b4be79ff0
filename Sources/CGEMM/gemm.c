// nn's own GEMM (issue 20): see include/CGEMM.h for the contract.
//
// SAFETY RULE for this file: it does unchecked pointer arithmetic, which is
// safe only because the one caller (NNTensor's GEMM+Native.swift, through
// GEMMScalar.gemm) guarantees the sizes and strides of CGEMM.h: m, n, k >= 0,
// lda >= max(1, trans_a ? m : k), ldb >= max(1, trans_b ? k : n),
// ldc >= max(1, n), buffers holding every element those describe. Inside,
// the loops never index past m, n, k, and the packing buffer is sized from
// the same bounds the loops use.
//
// Each kernel family is compiled with a `target` attribute, so every build
// (debug included, no special flags) contains all of them and picks one at
// run time from CPUID; a CPU without AVX2+FMA gets NN_GEMM_NONE and nn uses
// its portable Swift kernel.
#include "CGEMM.h"
#include <stdlib.h>
#include <stddef.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#include <cpuid.h>

static int detect_variant(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return NN_GEMM_NONE;
    int fma = (ecx >> 12) & 1, osxsave = (ecx >> 27) & 1, avx = (ecx >> 28) & 1;
    if (!(fma && osxsave && avx)) return NN_GEMM_NONE;
    unsigned xlo, xhi;
    __asm__ volatile("xgetbv" : "=a"(xlo), "=d"(xhi) : "c"(0));
    (void)xhi;
    if ((xlo & 0x6) != 0x6) return NN_GEMM_NONE;  // the OS saves XMM and YMM
    if (__get_cpuid_max(0, 0) < 7) return NN_GEMM_NONE;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    int avx2 = (ebx >> 5) & 1;
    int f512 = (ebx >> 16) & 1, dq512 = (ebx >> 17) & 1, vl512 = (ebx >> 31) & 1;
    if (f512 && dq512 && vl512 && avx2 && (xlo & 0xE6) == 0xE6) return NN_GEMM_AVX512;  // + opmask, ZMM
    if (avx2) return NN_GEMM_AVX2;
    return NN_GEMM_NONE;
}

int nn_gemm_best_variant(void) {
    static int cached = -1;
    int v = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (v < 0) {
        v = detect_variant();
        __atomic_store_n(&cached, v, __ATOMIC_RELAXED);
    }
    return v;
}

// ---- AVX-512, float: 12 x 32 tile (24 accumulators of 32 registers) ----
#define ATTR __attribute__((target("avx512f,avx512vl,avx512dq,avx2,fma")))
#define T float
#define V __m512
#define W 16
#ifndef S512_MR
#define S512_MR 8
#endif
#ifndef S512_KC
#define S512_KC 256
#endif
#define MR S512_MR
#define KC S512_KC
#define MC (MR * 10)
#define NC 4096
#define FN(x) x##_s512
#define VZERO() _mm512_setzero_ps()
#define VLOAD(p) _mm512_loadu_ps(p)
#define VSTORE(p, v) _mm512_storeu_ps((p), (v))
#define VSET1(x) _mm512_set1_ps(x)
#define VFMA(a, b, c) _mm512_fmadd_ps((a), (b), (c))
#define VMUL(a, b) _mm512_mul_ps((a), (b))
#define VLOADN(p, n) _mm512_maskz_loadu_ps((__mmask16)((1u << (n)) - 1), (p))
#include "gemm_template.h"
#undef T
#undef V
#undef W
#undef FN
#undef VZERO
#undef VLOAD
#undef VSTORE
#undef VSET1
#undef VFMA
#undef VMUL
#undef VLOADN

// ---- AVX-512, double: 12 x 16 tile ----
#define T double
#define V __m512d
#define W 8
#define FN(x) x##_d512
#define VZERO() _mm512_setzero_pd()
#define VLOAD(p) _mm512_loadu_pd(p)
#define VSTORE(p, v) _mm512_storeu_pd((p), (v))
#define VSET1(x) _mm512_set1_pd(x)
#define VFMA(a, b, c) _mm512_fmadd_pd((a), (b), (c))
#define VMUL(a, b) _mm512_mul_pd((a), (b))
#define VLOADN(p, n) _mm512_maskz_loadu_pd((__mmask8)((1u << (n)) - 1), (p))
#include "gemm_template.h"
#undef T
#undef V
#undef W
#undef FN
#undef VZERO
#undef VLOAD
#undef VSTORE
#undef VSET1
#undef VFMA
#undef VMUL
#undef VLOADN
#undef ATTR
#undef MR

// ---- AVX2 + FMA, float: 6 x 16 tile (12 accumulators of 16 registers) ----
#define ATTR __attribute__((target("avx2,fma")))
#define MR 6
#define T float
#define V __m256
#define W 8
#define FN(x) x##_s256
#define VZERO() _mm256_setzero_ps()
#define VLOAD(p) _mm256_loadu_ps(p)
#define VSTORE(p, v) _mm256_storeu_ps((p), (v))
#define VSET1(x) _mm256_set1_ps(x)
#define VFMA(a, b, c) _mm256_fmadd_ps((a), (b), (c))
#define VMUL(a, b) _mm256_mul_ps((a), (b))
#define VLOADN(p, n) \
    _mm256_maskload_ps((p), _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(n)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)))
#include "gemm_template.h"
#undef T
#undef V
#undef W
#undef FN
#undef VZERO
#undef VLOAD
#undef VSTORE
#undef VSET1
#undef VFMA
#undef VMUL
#undef VLOADN

// ---- AVX2 + FMA, double: 6 x 8 tile ----
#define T double
#define V __m256d
#define W 4
#define FN(x) x##_d256
#define VZERO() _mm256_setzero_pd()
#define VLOAD(p) _mm256_loadu_pd(p)
#define VSTORE(p, v) _mm256_storeu_pd((p), (v))
#define VSET1(x) _mm256_set1_pd(x)
#define VFMA(a, b, c) _mm256_fmadd_pd((a), (b), (c))
#define VMUL(a, b) _mm256_mul_pd((a), (b))
#define VLOADN(p, n) \
    _mm256_maskload_pd((p), _mm256_cmpgt_epi64(_mm256_set1_epi64x((long long)(n)), _mm256_setr_epi64x(0, 1, 2, 3)))
#include "gemm_template.h"

#define NN_HAVE_KERNELS 1
#else
int nn_gemm_best_variant(void) { return NN_GEMM_NONE; }
#endif

/// k == 0 or alpha == 0: C = beta * C (C not read when beta == 0), the
/// same as the BLAS reference and nn's Swift kernel.
#define NN_SCALE_ONLY(T)                                                     \
    for (long i = 0; i < m; i++) {                                           \
        T *row = c + i * ldc;                                                \
        if (beta == 0) { for (long j = 0; j < n; j++) row[j] = 0; }          \
        else { for (long j = 0; j < n; j++) row[j] = beta * row[j]; }        \
    }

int nn_sgemm(int variant, int trans_a, int trans_b, long m, long n, long k,
             float alpha, const float *a, long lda, const float *b, long ldb,
             float beta, float *c, long ldc) {
    if (variant <= NN_GEMM_NONE || variant > nn_gemm_best_variant()) return -1;
    if (m <= 0 || n <= 0) return 0;
    if (k <= 0 || alpha == 0) { NN_SCALE_ONLY(float) return 0; }
#ifdef NN_HAVE_KERNELS
    if (variant == NN_GEMM_AVX512)
        return gemm_s512(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    return gemm_s256(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
#else
    return -1;
#endif
}

int nn_dgemm(int variant, int trans_a, int trans_b, long m, long n, long k,
             double alpha, const double *a, long lda, const double *b, long ldb,
             double beta, double *c, long ldc) {
    if (variant <= NN_GEMM_NONE || variant > nn_gemm_best_variant()) return -1;
    if (m <= 0 || n <= 0) return 0;
    if (k <= 0 || alpha == 0) { NN_SCALE_ONLY(double) return 0; }
#ifdef NN_HAVE_KERNELS
    if (variant == NN_GEMM_AVX512)
        return gemm_d512(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    return gemm_d256(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
#else
    return -1;
#endif
}
