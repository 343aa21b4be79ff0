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
#include <x86intrin.h>
#include <cpuid.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

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

// ---- The worker: one persistent thread for the second share ----
//
// Waking a thread through the kernel costs tens of microseconds, as long as
// the epoch's products take (64 x 784 @ 784 x 256: ~110 us on one core), so
// the worker spins (PAUSE) for about SPIN_CYCLES time-stamp cycles after
// each share before it sleeps on a condition variable, as OpenBLAS's
// workers do. One caller at a time: a second thread multiplying meanwhile
// runs its product alone, as does a child process after fork.

typedef void (*nn_job)(void *);

#ifndef PAR_WORK
#define PAR_WORK (1 << 20)   // multiply-adds from which a product is split
#endif
#define SPIN_CYCLES 600000ull  // ~0.2 ms at 3 GHz (epoch: 0 -> 750 ms, 30k -> 730, 150k -> 670, 600k and 3M -> 650)

static pthread_mutex_t pool_caller = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t pool_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_wake = PTHREAD_COND_INITIALIZER;
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;
static int pool_started;
static _Atomic unsigned long pool_posted, pool_finished;
static _Atomic int pool_sleeping;
static nn_job pool_fn;
static void *pool_arg;

static void *pool_main(void *unused) {
    (void)unused;
    unsigned long seen = 0;
    for (;;) {
        unsigned long long t0 = __rdtsc();
        while (atomic_load(&pool_posted) == seen) {
            if (__rdtsc() - t0 > SPIN_CYCLES) {
                pthread_mutex_lock(&pool_mutex);
                atomic_store(&pool_sleeping, 1);
                while (atomic_load(&pool_posted) == seen) pthread_cond_wait(&pool_wake, &pool_mutex);
                atomic_store(&pool_sleeping, 0);
                pthread_mutex_unlock(&pool_mutex);
                break;
            }
            _mm_pause();
        }
        seen = atomic_load(&pool_posted);
        pool_fn(pool_arg);
        atomic_store(&pool_finished, seen);
    }
    return 0;
}

/// A child process after fork has no worker thread: it multiplies alone.
static void pool_forget(void) { pool_started = 0; }

static void pool_start(void) {
    if (pthread_atfork(0, 0, pool_forget) != 0) return;
    pthread_t thread;
    pthread_attr_t attr;
    if (pthread_attr_init(&attr) != 0) return;
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pool_started = pthread_create(&thread, &attr, pool_main, 0) == 0;
    pthread_attr_destroy(&attr);
}

/// Runs fn(arg1) on the worker and fn(arg0) here, returning when both are
/// done; -1 (nothing run) when the worker is busy or could not be started.
static int pool_run2(nn_job fn, void *arg0, void *arg1) {
    pthread_once(&pool_once, pool_start);
    if (!pool_started || pthread_mutex_trylock(&pool_caller) != 0) return -1;
    pool_fn = fn;
    pool_arg = arg1;
    unsigned long ticket = atomic_fetch_add(&pool_posted, 1) + 1;
    if (atomic_load(&pool_sleeping)) {
        pthread_mutex_lock(&pool_mutex);
        pthread_cond_signal(&pool_wake);
        pthread_mutex_unlock(&pool_mutex);
    }
    fn(arg0);
    for (unsigned spins = 0; atomic_load(&pool_finished) != ticket; spins++) {
        if (spins < (1u << 20)) _mm_pause(); else sched_yield();
    }
    pthread_mutex_unlock(&pool_caller);
    return 0;
}

/// dst[i][j] = src[j][i] for an 8 x 8 float block (rows lds and ldd apart).
static inline __attribute__((always_inline, target("avx2,fma")))
void transpose8_ps(const float *src, long lds, float *dst, long ldd) {
    __m256 r0 = _mm256_loadu_ps(src), r1 = _mm256_loadu_ps(src + lds);
    __m256 r2 = _mm256_loadu_ps(src + 2 * lds), r3 = _mm256_loadu_ps(src + 3 * lds);
    __m256 r4 = _mm256_loadu_ps(src + 4 * lds), r5 = _mm256_loadu_ps(src + 5 * lds);
    __m256 r6 = _mm256_loadu_ps(src + 6 * lds), r7 = _mm256_loadu_ps(src + 7 * lds);
    __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
    __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
    __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
    __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
    __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
    __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    _mm256_storeu_ps(dst, _mm256_permute2f128_ps(u0, u4, 0x20));
    _mm256_storeu_ps(dst + ldd, _mm256_permute2f128_ps(u1, u5, 0x20));
    _mm256_storeu_ps(dst + 2 * ldd, _mm256_permute2f128_ps(u2, u6, 0x20));
    _mm256_storeu_ps(dst + 3 * ldd, _mm256_permute2f128_ps(u3, u7, 0x20));
    _mm256_storeu_ps(dst + 4 * ldd, _mm256_permute2f128_ps(u0, u4, 0x31));
    _mm256_storeu_ps(dst + 5 * ldd, _mm256_permute2f128_ps(u1, u5, 0x31));
    _mm256_storeu_ps(dst + 6 * ldd, _mm256_permute2f128_ps(u2, u6, 0x31));
    _mm256_storeu_ps(dst + 7 * ldd, _mm256_permute2f128_ps(u3, u7, 0x31));
}

/// dst[i][j] = src[j][i] for a 4 x 4 double block.
static inline __attribute__((always_inline, target("avx2,fma")))
void transpose4_pd(const double *src, long lds, double *dst, long ldd) {
    __m256d r0 = _mm256_loadu_pd(src), r1 = _mm256_loadu_pd(src + lds);
    __m256d r2 = _mm256_loadu_pd(src + 2 * lds), r3 = _mm256_loadu_pd(src + 3 * lds);
    __m256d t0 = _mm256_unpacklo_pd(r0, r1), t1 = _mm256_unpackhi_pd(r0, r1);
    __m256d t2 = _mm256_unpacklo_pd(r2, r3), t3 = _mm256_unpackhi_pd(r2, r3);
    _mm256_storeu_pd(dst, _mm256_permute2f128_pd(t0, t2, 0x20));
    _mm256_storeu_pd(dst + ldd, _mm256_permute2f128_pd(t1, t3, 0x20));
    _mm256_storeu_pd(dst + 2 * ldd, _mm256_permute2f128_pd(t0, t2, 0x31));
    _mm256_storeu_pd(dst + 3 * ldd, _mm256_permute2f128_pd(t1, t3, 0x31));
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
#define TB 8
#define TRANSPOSE transpose8_ps
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
#undef TB
#undef TRANSPOSE

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
#define TB 4
#define TRANSPOSE transpose4_pd
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
#undef TB
#undef TRANSPOSE
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
#define TB 8
#define TRANSPOSE transpose8_ps
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
#undef TB
#undef TRANSPOSE

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
#define TB 4
#define TRANSPOSE transpose4_pd
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

int nn_sgemm(int variant, int threads, int trans_a, int trans_b, long m, long n, long k,
             float alpha, const float *a, long lda, const float *b, long ldb,
             float beta, float *c, long ldc) {
    if (variant <= NN_GEMM_NONE || variant > nn_gemm_best_variant()) return -1;
    if (m <= 0 || n <= 0) return 0;
    if (k <= 0 || alpha == 0) { NN_SCALE_ONLY(float) return 0; }
#ifdef NN_HAVE_KERNELS
    if (variant == NN_GEMM_AVX512)
        return gemm_s512(threads, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    return gemm_s256(threads, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
#else
    return -1;
#endif
}

int nn_dgemm(int variant, int threads, int trans_a, int trans_b, long m, long n, long k,
             double alpha, const double *a, long lda, const double *b, long ldb,
             double beta, double *c, long ldc) {
    if (variant <= NN_GEMM_NONE || variant > nn_gemm_best_variant()) return -1;
    if (m <= 0 || n <= 0) return 0;
    if (k <= 0 || alpha == 0) { NN_SCALE_ONLY(double) return 0; }
#ifdef NN_HAVE_KERNELS
    if (variant == NN_GEMM_AVX512)
        return gemm_d512(threads, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    return gemm_d256(threads, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
#else
    return -1;
#endif
}
