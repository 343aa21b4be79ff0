// Vector square roots for Swift's SIMD types, without errno.
//
// Swift's `squareRoot()` on Linux goes through the C library's sqrt, which
// may set errno for a negative argument, so the compiler keeps it a call per
// element and no loop using it vectorises. `__builtin_elementwise_sqrt` is
// the IEEE square root (correctly rounded, the same bits as sqrt) with no
// errno: one `vsqrtps`/`vsqrtpd`. Clang's ext_vector types import into Swift
// as SIMD8<Float> and SIMD8<Double>, and these static inline functions are
// inlined into the Swift code that calls them.
#ifndef NN_CVECTOR_H
#define NN_CVECTOR_H

typedef float nn_float8 __attribute__((ext_vector_type(8)));
typedef double nn_double8 __attribute__((ext_vector_type(8)));

static inline __attribute__((always_inline)) nn_float8 nn_sqrt_float8(nn_float8 v) {
    return __builtin_elementwise_sqrt(v);
}

static inline __attribute__((always_inline)) nn_double8 nn_sqrt_double8(nn_double8 v) {
    return __builtin_elementwise_sqrt(v);
}

#endif
