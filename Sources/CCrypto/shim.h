// OpenSSL's libcrypto: HMAC-SHA256 for signing Jupyter messages (NNKernel only).
//
// Not linked: NNKernel opens libcrypto with dlopen when a kernel starts
// (KernelLibrary.swift), so plain `nn` runs do not load it. The headers give
// the constants; the function-pointer types below are the declarations' own.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <dlfcn.h>

typedef __typeof__(HMAC) *nn_HMAC_fn;
typedef __typeof__(EVP_sha256) *nn_EVP_sha256_fn;
typedef __typeof__(CRYPTO_memcmp) *nn_CRYPTO_memcmp_fn;
