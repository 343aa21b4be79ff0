// One GEMM instantiated per scalar type and instruction set: gemm.c defines
// the macros below and includes this file once per variant. Not a header of
// its own (no include guard on purpose).
//
//   FN(x)      the variant's name for x (e.g. x##_s512)
//   T          float or double
//   V          the vector type; W its lanes; NR = 2 * W (two vectors a row)
//   MR         rows of the register tile (MR * 2 accumulators)
//   KC, MC, NC the packed block sizes (depth, rows of A, columns of B)
//   ATTR       the function attribute selecting the instruction set
//   VZERO(), VLOAD(p), VSTORE(p, v), VSET1(x), VFMA(a, b, c) = a * b + c,
//   TB, TRANSPOSE(src, lds, dst, ldd): dst[i][j] = src[j][i] for a TB x TB block
//   VMUL(a, b), VLOADN(p, n) the first n < = W lanes from p, zeros after
//   (reads only those n elements)
//
// SAFETY: see CGEMM.h. Every offset below is of an element inside the
// matrices the caller lent (i < m, p < k, j < n, times their strides) or
// inside the packing buffer sized here; the tile loops never step past
// m, n or k (partial tiles go through a local buffer).

#define NR (2 * W)

/// Packs rows [i0, i0 + mc) and depth [p0, p0 + kc) of op(A) as MR-tall
/// panels: panel r holds, for each depth p, the MR values op(A)[i][p]
/// (zero past the last row), so the micro-kernel reads A sequentially.
static ATTR void FN(pack_a)(int ta, const T *a, long lda, long i0, long mc, long p0, long kc, T *dst) {
    for (long ir = 0; ir < mc; ir += MR) {
        long rows = mc - ir < MR ? mc - ir : MR;
        T *panel = dst + ir * kc;
        if (ta) {
            // op(A)[i][p] = A[p][i]: the MR values of a depth are contiguous.
            for (long p = 0; p < kc; p++) {
                const T *src = a + (p0 + p) * lda + i0 + ir;
                T *out = panel + p * MR;
                long r = 0;
                for (; r < rows; r++) out[r] = src[r];
                for (; r < MR; r++) out[r] = 0;
            }
        } else {
            // op(A)[i][p] = A[i][p]: read each row contiguously.
            for (long r = 0; r < rows; r++) {
                const T *src = a + (i0 + ir + r) * lda + p0;
                for (long p = 0; p < kc; p++) panel[p * MR + r] = src[p];
            }
            for (long r = rows; r < MR; r++)
                for (long p = 0; p < kc; p++) panel[p * MR + r] = 0;
        }
    }
}

/// Packs depth [p0, p0 + kc) and columns [j0, j0 + nc) of op(B) as NR-wide
/// panels: panel j holds, for each depth p, the NR values op(B)[p][j]
/// (zero past the last column).
static ATTR void FN(pack_b)(int tb, const T *b, long ldb, long p0, long kc, long j0, long nc, T *dst) {
    for (long jr = 0; jr < nc; jr += NR) {
        long cols = nc - jr < NR ? nc - jr : NR;
        T *panel = dst + jr * kc;
        if (tb && cols == NR) {
            // op(B)[p][j] = B[j][p]: TB x TB blocks transposed in registers.
            long p = 0;
            for (; p + TB <= kc; p += TB)
                for (long q = 0; q < NR; q += TB)
                    TRANSPOSE(b + (j0 + jr + q) * ldb + p0 + p, ldb, panel + p * NR + q, NR);
            for (; p < kc; p++)
                for (long q = 0; q < NR; q++) panel[p * NR + q] = b[(j0 + jr + q) * ldb + p0 + p];
        } else if (tb) {
            // op(B)[p][j] = B[j][p]: read each row of B contiguously.
            for (long q = 0; q < cols; q++) {
                const T *src = b + (j0 + jr + q) * ldb + p0;
                for (long p = 0; p < kc; p++) panel[p * NR + q] = src[p];
            }
            for (long q = cols; q < NR; q++)
                for (long p = 0; p < kc; p++) panel[p * NR + q] = 0;
        } else {
            if (cols == NR) {
                for (long p = 0; p < kc; p++) {
                    const T *src = b + (p0 + p) * ldb + j0 + jr;
                    VSTORE(panel + p * NR, VLOAD(src));
                    VSTORE(panel + p * NR + W, VLOAD(src + W));
                }
            } else {
                // The last, partial panel: masked loads read only the
                // `cols` stored columns and zero the rest.
                long c0 = cols < W ? cols : W, c1 = cols - c0;
                for (long p = 0; p < kc; p++) {
                    const T *src = b + (p0 + p) * ldb + j0 + jr;
                    VSTORE(panel + p * NR, VLOADN(src, c0));
                    VSTORE(panel + p * NR + W, c1 > 0 ? VLOADN(src + W, c1) : VZERO());
                }
            }
        }
    }
}

/// The MR x NR register tile: acc[r] = Σ_p a[p][r] * b[p][0..NR), then
/// C[r][j] = alpha * acc[r][j] + beta * C[r][j] for r < rows, j < cols
/// (C not read when beta == 0). `b` is a packed panel of depth kc; A's
/// value (r, p) is a[r * rsa + p * csa]: a packed panel (1, MR) or A itself
/// (lda, 1 or, transposed, 1, lda) when all MR rows exist.
static inline __attribute__((always_inline)) ATTR
void FN(tile)(long kc, const T *restrict a, long rsa, long csa, const T *restrict b, T *restrict c, long ldc,
              long rows, long cols, T alpha, T beta) {
    V acc0[MR], acc1[MR];
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) { acc0[r] = VZERO(); acc1[r] = VZERO(); }
    for (long p = 0; p < kc; p++) {
        V b0 = VLOAD(b), b1 = VLOAD(b + W);
#pragma clang loop unroll(full)
        for (int r = 0; r < MR; r++) {
            V av = VSET1(a[r * rsa]);
            acc0[r] = VFMA(av, b0, acc0[r]);
            acc1[r] = VFMA(av, b1, acc1[r]);
        }
        a += csa;
        b += NR;
    }
    V va = VSET1(alpha);
    if (rows == MR && cols == NR) {
        if (beta == 0) {
#pragma clang loop unroll(full)
            for (int r = 0; r < MR; r++) {
                VSTORE(c + r * ldc, VMUL(va, acc0[r]));
                VSTORE(c + r * ldc + W, VMUL(va, acc1[r]));
            }
        } else {
            V vb = VSET1(beta);
#pragma clang loop unroll(full)
            for (int r = 0; r < MR; r++) {
                T *row = c + r * ldc;
                VSTORE(row, VFMA(va, acc0[r], VMUL(vb, VLOAD(row))));
                VSTORE(row + W, VFMA(va, acc1[r], VMUL(vb, VLOAD(row + W))));
            }
        }
        return;
    }
    T tmp[MR * NR] __attribute__((aligned(64)));
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) {
        VSTORE(tmp + r * NR, VMUL(va, acc0[r]));
        VSTORE(tmp + r * NR + W, VMUL(va, acc1[r]));
    }
    for (long r = 0; r < rows; r++) {
        T *row = c + r * ldc;
        const T *t = tmp + r * NR;
        if (beta == 0) {
            for (long j = 0; j < cols; j++) row[j] = t[j];
        } else {
            for (long j = 0; j < cols; j++) row[j] = t[j] + beta * row[j];
        }
    }
}

/// The same tile one vector wide (cols <= W): the last panel of a product
/// whose n is not a multiple of NR, and products narrower than a vector
/// (n = 10, 20) pay for W columns, not NR. `b` is still an NR-wide panel.
static inline __attribute__((always_inline)) ATTR
void FN(tile1)(long kc, const T *restrict a, long rsa, long csa, const T *restrict b, T *restrict c, long ldc,
               long rows, long cols, T alpha, T beta) {
    V acc0[MR];
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) acc0[r] = VZERO();
    for (long p = 0; p < kc; p++) {
        V b0 = VLOAD(b);
#pragma clang loop unroll(full)
        for (int r = 0; r < MR; r++) acc0[r] = VFMA(VSET1(a[r * rsa]), b0, acc0[r]);
        a += csa;
        b += NR;
    }
    V va = VSET1(alpha);
    T tmp[MR * W] __attribute__((aligned(64)));
#pragma clang loop unroll(full)
    for (int r = 0; r < MR; r++) VSTORE(tmp + r * W, VMUL(va, acc0[r]));
    for (long r = 0; r < rows; r++) {
        T *row = c + r * ldc;
        const T *t = tmp + r * W;
        if (beta == 0) {
            for (long j = 0; j < cols; j++) row[j] = t[j];
        } else {
            for (long j = 0; j < cols; j++) row[j] = t[j] + beta * row[j];
        }
    }
}

/// Elements of packing space FN(gemm_ws) needs for an m x n x k product.
static long FN(ws_elems)(long m, long n, long k) {
    long kBlocks = (k + KC - 1) / KC;
    long kcMax = (k + kBlocks - 1) / kBlocks;
    long nRound = (n + NR - 1) / NR * NR;
    long ncMax = nRound < NC ? nRound : NC;
    long elems = (MR + ncMax) * kcMax;       // a partial A panel, then B's block
    return (elems + 63) / 64 * 64;           // keeps the next share 64-byte aligned
}

/// One thread's product (m, n, k > 0, alpha != 0): the Goto/BLIS loops,
/// packing into `ws` (FN(ws_elems) elements, 64-byte aligned).
/// B is packed KC x NC at a time (NR-wide panels); A is read in place, MR
/// rows at a time, MC rows per block; each B panel stays in L1 while the A
/// panels of the block stream past it. The first depth block applies
/// beta, later ones add (beta 1).
static ATTR void FN(gemm_ws)(int ta, int tb, long m, long n, long k, T alpha,
                             const T *a, long lda, const T *b, long ldb, T beta, T *c, long ldc, T *ws) {
    // Depth blocks of equal size (784 = 4 x 196, not 3 x 256 + 16).
    long kBlocks = (k + KC - 1) / KC;
    long kcStep = (k + kBlocks - 1) / kBlocks;
    T *packA = ws;
    T *packB = ws + MR * kcStep;
    for (long jc = 0; jc < n; jc += NC) {
        long nc = n - jc < NC ? n - jc : NC;
        for (long pc = 0; pc < k; pc += kcStep) {
            long kc = k - pc < kcStep ? k - pc : kcStep;
            FN(pack_b)(tb, b, ldb, pc, kc, jc, nc, packB);
            T betaHere = pc == 0 ? beta : (T)1;
            for (long ic = 0; ic < m; ic += MC) {
                long mc = m - ic < MC ? m - ic : MC;
                // Whole MR-row panels read A where it lies (no packing: the
                // rows stream through L1 and the block stays in L2); only a
                // last partial panel is packed, zero-padded.
                long full = mc / MR * MR;
                if (full < mc) FN(pack_a)(ta, a, lda, ic + full, mc - full, pc, kc, packA);
                const T *aBlock = ta ? a + pc * lda + ic : a + ic * lda + pc;
                long rsa = ta ? 1 : lda, csa = ta ? lda : 1;
                for (long jr = 0; jr < nc; jr += NR) {
                    long cols = nc - jr < NR ? nc - jr : NR;
                    const T *bPanel = packB + jr * kc;
                    T *cPanel = c + ic * ldc + jc + jr;
                    long ir = 0;
                    if (cols <= W) {
                        for (; ir < full; ir += MR)
                            FN(tile1)(kc, ta ? aBlock + ir : aBlock + ir * lda, rsa, csa, bPanel,
                                      cPanel + ir * ldc, ldc, MR, cols, alpha, betaHere);
                        if (ir < mc)
                            FN(tile1)(kc, packA, 1, MR, bPanel, cPanel + ir * ldc, ldc, mc - ir, cols,
                                      alpha, betaHere);
                        continue;
                    }
                    if (ta) {
                        for (; ir < full; ir += MR)
                            FN(tile)(kc, aBlock + ir, 1, lda, bPanel, cPanel + ir * ldc, ldc, MR, cols,
                                     alpha, betaHere);
                    } else {
                        for (; ir < full; ir += MR)
                            FN(tile)(kc, aBlock + ir * lda, lda, 1, bPanel, cPanel + ir * ldc, ldc, MR, cols,
                                     alpha, betaHere);
                    }
                    if (ir < mc)
                        FN(tile)(kc, packA, 1, MR, bPanel, cPanel + ir * ldc, ldc, mc - ir, cols,
                                 alpha, betaHere);
                }
            }
        }
    }
}

/// One share of a split product, as the worker pool runs it.
typedef struct {
    int ta, tb;
    long m, n, k;
    T alpha, beta;
    const T *a, *b;
    T *c;
    long lda, ldb, ldc;
    T *ws;
} FN(share);

static ATTR void FN(run_share)(void *arg) {
    FN(share) *s = arg;
    FN(gemm_ws)(s->ta, s->tb, s->m, s->n, s->k, s->alpha, s->a, s->lda, s->b, s->ldb, s->beta, s->c, s->ldc, s->ws);
}

/// The product on up to two threads (m, n, k > 0, alpha != 0). Large
/// enough products (PAR_WORK multiply-adds) are split in two: by rows when
/// m >= n (each share packs all of op(B), which is the smaller side), else
/// by columns (each reads all of op(A) in place); shares are whole tiles
/// (MR rows, NR columns), so the threads write disjoint rows, or columns
/// 64-byte aligned relative to C. The packing space of both shares is
/// allocated before anything is written: -2 (nothing touched) when it
/// cannot be.
static ATTR int FN(gemm)(int threads, int ta, int tb, long m, long n, long k, T alpha,
                         const T *a, long lda, const T *b, long ldb, T beta, T *c, long ldc) {
    FN(share) s0 = { ta, tb, m, n, k, alpha, beta, a, b, c, lda, ldb, ldc, 0 }, s1 = s0;
    int split = 0;
    if (threads >= 2 && (double)m * (double)n * (double)k >= PAR_WORK) {
        if (m >= n && m >= 4 * MR) {
            long step = ((m + 1) / 2 + MR - 1) / MR * MR;
            s0.m = step;
            s1.m = m - step;
            s1.a = ta ? a + step : a + step * lda;
            s1.c = c + step * ldc;
            split = 1;
        } else if (n >= 4 * NR) {
            long step = ((n + 1) / 2 + NR - 1) / NR * NR;
            s0.n = step;
            s1.n = n - step;
            s1.b = tb ? b + step * ldb : b + step;
            s1.c = c + step;
            split = 1;
        }
    }
    long e0 = FN(ws_elems)(s0.m, s0.n, k), e1 = split ? FN(ws_elems)(s1.m, s1.n, k) : 0;
    size_t bytes = (size_t)(e0 + e1) * sizeof(T);
    // Small products pack on the stack (no allocator call: the Hessian's
    // products are a few microseconds each).
    T local[2048] __attribute__((aligned(64)));
    T *ws = bytes <= sizeof local ? local : aligned_alloc(64, bytes);
    if (!ws) return -2;
    s0.ws = ws;
    s1.ws = ws + e0;
    if (!split) {
        FN(run_share)(&s0);
    } else if (pool_run2(FN(run_share), &s0, &s1) != 0) {
        FN(run_share)(&s0);  // the worker is busy with another caller's product
        FN(run_share)(&s1);
    }
    if (ws != local) free(ws);
    return 0;
}

#undef NR
