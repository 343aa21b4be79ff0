// OpenSSL's libcrypto: HMAC-SHA256 for signing Jupyter messages (NNKernel only).
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
