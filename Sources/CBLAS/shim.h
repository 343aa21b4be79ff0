// OpenBLAS: CBLAS for matmul, plus the few LAPACK (Fortran ABI) routines nn uses.
// Debian: libopenblas-dev (its libopenblas.so carries LAPACK too).
//
// Not linked: NNTensor opens libopenblas.so.0 with dlopen at the first
// product or eigendecomposition (BLAS+Library.swift), so a run that never
// multiplies matrices (`nn -e 0`, most of the REPL's first seconds) does not
// pay for loading OpenBLAS and starting its threads. The header gives the
// types; the function-pointer types below are the declarations' own.
#pragma once
#include <cblas.h>
#include <dlfcn.h>

// Symmetric eigendecomposition (divide and conquer), column-major, Fortran ABI.
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
             double *w, double *work, const int *lwork, int *iwork, const int *liwork, int *info);
void ssyevd_(const char *jobz, const char *uplo, const int *n, float *a, const int *lda,
             float *w, float *work, const int *lwork, int *iwork, const int *liwork, int *info);

void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char *openblas_get_corename(void);

typedef __typeof__(cblas_sgemm) *nn_cblas_sgemm_fn;
typedef __typeof__(cblas_dgemm) *nn_cblas_dgemm_fn;
typedef __typeof__(dsyevd_) *nn_dsyevd_fn;
typedef __typeof__(ssyevd_) *nn_ssyevd_fn;
typedef __typeof__(openblas_set_num_threads) *nn_openblas_set_num_threads_fn;
typedef __typeof__(openblas_get_num_threads) *nn_openblas_get_num_threads_fn;
typedef __typeof__(openblas_get_corename) *nn_openblas_get_corename_fn;
typedef void (*nn_void_fn)(void);
