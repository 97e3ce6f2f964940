#ifndef PAYGATE_COPENSSL_SHIM_H
#define PAYGATE_COPENSSL_SHIM_H
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/sha.h>
#include <openssl/params.h>
#include <openssl/core_names.h>

/*
 * Creates an HMAC context already bound to SHA-256, so that each later
 * EVP_MAC_init only sets the key and never looks the digest up again (a
 * lookup by name takes the provider store lock in OpenSSL 3.0).
 * Building the OSSL_PARAM array is easier here than from Swift because the
 * strings must outlive the call. Returns NULL on failure (see ERR_get_error).
 */
static inline EVP_MAC_CTX *paygate_hmac_sha256_context_new(EVP_MAC *mac) {
    EVP_MAC_CTX *context = EVP_MAC_CTX_new(mac);
    if (context == NULL) {
        return NULL;
    }
    char digest[] = "SHA256";
    OSSL_PARAM params[2];
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0);
    params[1] = OSSL_PARAM_construct_end();
    if (EVP_MAC_CTX_set_params(context, params) != 1) {
        EVP_MAC_CTX_free(context);
        return NULL;
    }
    return context;
}

/* EVP_CTRL_GCM_GET_TAG / SET_TAG are macro aliases; name them once here. */
static inline int paygate_gcm_get_tag(EVP_CIPHER_CTX *context, unsigned char *tag, int tagLength) {
    return EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, tagLength, tag);
}

static inline int paygate_gcm_set_tag(EVP_CIPHER_CTX *context, unsigned char *tag, int tagLength) {
    return EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, tagLength, tag);
}
#endif
