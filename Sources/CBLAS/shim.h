// OpenBLAS: CBLAS for matmul, plus the few LAPACK (Fortran ABI) routines nn uses.
// Debian: libopenblas-dev (its libopenblas.so carries LAPACK too).
#pragma once
#include <cblas.h>

// Symmetric eigendecomposition (divide and conquer), column-major, Fortran ABI.
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
             double *w, double *work, const int *lwork, int *iwork, const int *liwork, int *info);
void ssyevd_(const char *jobz, const char *uplo, const int *n, float *a, const int *lda,
             float *w, float *work, const int *lwork, int *iwork, const int *liwork, int *info);

void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
